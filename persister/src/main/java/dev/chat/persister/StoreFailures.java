package dev.chat.persister;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.RequestThrottlingException;
import com.datastax.oss.driver.api.core.connection.BusyConnectionException;
import com.datastax.oss.driver.api.core.connection.ClosedConnectionException;
import com.datastax.oss.driver.api.core.connection.HeartbeatException;
import com.datastax.oss.driver.api.core.servererrors.BootstrappingException;
import com.datastax.oss.driver.api.core.servererrors.OverloadedException;
import com.datastax.oss.driver.api.core.servererrors.QueryConsistencyException;
import com.datastax.oss.driver.api.core.servererrors.QueryValidationException;
import com.datastax.oss.driver.api.core.servererrors.ServerError;
import com.datastax.oss.driver.api.core.servererrors.UnavailableException;
import com.datastax.oss.driver.api.core.type.codec.CodecNotFoundException;

/**
 * The persister's retry policy, by what a failed write says about itself:
 * <ul>
 *   <li>{@link Kind#OUTAGE}: Cassandra is unreachable, slow or overloaded (timeouts, no node,
 *       unavailable replicas, closed connections). Retried with back-off for as long as it lasts:
 *       nothing is wrong with the records.</li>
 *   <li>{@link Kind#REJECTED}: Cassandra or the driver refuses the request itself (invalid query,
 *       a value that cannot be encoded). Retrying the same records cannot help: the batch is
 *       stored record by record to find the ones refused, which go to the dead-letter topic.</li>
 *   <li>{@link Kind#UNKNOWN}: anything else. Retried a few times ({@link #ATTEMPTS_BEFORE_ISOLATING}),
 *       then handled like a rejection: a record that fails alone while others store is the
 *       record's fault; if none stores and the table cannot be read, it is the configuration's
 *       (the persister stops).</li>
 * </ul>
 */
final class StoreFailures {

    /** Attempts of a batch failing with an unknown error before its records are tried one by one. */
    static final int ATTEMPTS_BEFORE_ISOLATING = 3;

    /** What a failure says. */
    enum Kind {
        OUTAGE, REJECTED, UNKNOWN
    }

    private StoreFailures() {
    }

    static Kind classify(Throwable failure) {
        Throwable e = unwrap(failure);
        if (e instanceof DriverTimeoutException || e instanceof AllNodesFailedException || e instanceof UnavailableException
                || e instanceof QueryConsistencyException || e instanceof OverloadedException
                || e instanceof BootstrappingException || e instanceof ClosedConnectionException
                || e instanceof BusyConnectionException || e instanceof HeartbeatException
                || e instanceof RequestThrottlingException || e instanceof TimeoutException || e instanceof ServerError) {
            return Kind.OUTAGE;
        }
        if (e instanceof QueryValidationException || e instanceof CodecNotFoundException
                || e instanceof IllegalArgumentException || e instanceof ArithmeticException) {
            return Kind.REJECTED;
        }
        return Kind.UNKNOWN;
    }

    /** @return the failure without the future's wrappers */
    static Throwable unwrap(Throwable failure) {
        Throwable e = failure;
        while ((e instanceof ExecutionException || e instanceof CompletionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
