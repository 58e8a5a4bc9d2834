package dev.chat.chatctl;

import java.io.PrintWriter;
import java.sql.SQLException;

import javax.sql.DataSource;

import dev.chat.common.runtime.BackendSettings;
import dev.chat.common.runtime.CassandraConnection;
import dev.chat.common.runtime.RedisConnection;
import io.helidon.config.Config;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every operator command shares, as one picocli mixin: where the backing services are
 * ({@link BackendOptions}), {@code --json} ({@link OutputOptions}), connections to them that report
 * a service that does not answer as such (exit 3, naming where it looked), and the command's own
 * output streams and usage errors.
 */
final class OperatorOptions {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    @Mixin
    private BackendOptions backend;

    @Mixin
    private OutputOptions output;

    /** @return the merged configuration */
    Config config() {
        return backend.config();
    }

    /** @return validated backend settings */
    BackendSettings backends() {
        return backend.backends();
    }

    /** @return whether {@code --json} was given */
    boolean json() {
        return output.json();
    }

    /** @return the command's standard output */
    PrintWriter out() {
        return command.commandLine().getOut();
    }

    /** @return the command's standard error */
    PrintWriter err() {
        return command.commandLine().getErr();
    }

    /** Prints {@code value} as one JSON document on standard output. */
    void printJson(Object value) {
        output.printJson(out(), value);
    }

    /**
     * @param message what is wrong with the options or arguments
     * @return the usage error to throw (exit 2)
     */
    CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(command.commandLine(), message);
    }

    /**
     * @return a Cassandra session that has answered a query
     * @throws ChatCtl.Unreachable naming where it looked, when Cassandra does not answer
     */
    CassandraConnection cassandra() {
        BackendSettings backends = backends();
        CassandraConnection cassandra = null;
        try {
            cassandra = CassandraConnection.open("chatctl", backends);
            cassandra.ping();
            return cassandra;
        } catch (RuntimeException e) {
            if (cassandra != null) {
                cassandra.close();
            }
            throw new ChatCtl.Unreachable("cannot reach Cassandra at " + backends.cassandraContactPoints()
                    + " (cassandra.contactpoints / CASSANDRA_CONTACTPOINTS / --cassandra): " + e.getMessage());
        }
    }

    /**
     * What presence and connections read is only right when it is the Redis the gateways use: when
     * no gateway has reported there in the last 15 s, says so on standard error with where it looked.
     *
     * @return whether some gateway reports to this Redis
     */
    boolean gatewaysReportTo(RedisConnection redis) {
        if (!new GatewayReports(redis.client()).all().isEmpty()) {
            return true;
        }
        err().println("chatctl " + command.name() + ": no gateway has reported to Redis at " + backends().redisDescription()
                + " in the last 15 s: either none runs, or they use another Redis (--redis / --redis-cluster, or"
                + " REDIS_ADDRESS / REDIS_CLUSTER as the gateways have them); what follows may be wrong");
        err().flush();
        return false;
    }

    /** Work done with a Redis connection. */
    interface RedisWork<T> {
        T apply(RedisConnection redis) throws InterruptedException;
    }

    /**
     * Runs the work with a Redis connection that is closed afterwards.
     *
     * @param work what to do
     * @return its result
     * @throws ChatCtl.Unreachable naming where it looked, when Redis does not answer
     * @throws InterruptedException if the work was interrupted
     */
    <T> T withRedis(RedisWork<T> work) throws InterruptedException {
        BackendSettings backends = backends();
        try (RedisConnection redis = RedisConnection.open("chatctl", backends)) {
            return work.apply(redis);
        } catch (org.redisson.client.RedisException e) {
            throw new ChatCtl.Unreachable("cannot reach Redis at " + backends.redisDescription()
                    + " (redis.address / REDIS_ADDRESS / --redis, redis.cluster / --redis-cluster): " + e.getMessage());
        }
    }

    /** Work done with PostgreSQL. */
    interface DatabaseWork<T> {
        T apply(DataSource db) throws SQLException;
    }

    /**
     * Runs the work with a small PostgreSQL pool that is closed afterwards.
     *
     * @param work what to do
     * @return its result
     * @throws ChatCtl.Unreachable naming where it looked, when PostgreSQL does not answer
     * @throws SQLException if the work failed
     */
    <T> T withDatabase(DatabaseWork<T> work) throws SQLException {
        try (OperatorDatabase db = OperatorDatabase.open(backends())) {
            return work.apply(db.pool());
        }
    }
}
