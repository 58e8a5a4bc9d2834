package dev.chat.common.auth;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

import javax.sql.DataSource;

import dev.chat.common.store.UserTables;

/**
 * Which users are deactivated, kept in memory: loaded once, then the changes of the last 30 s are
 * polled every {@code pollInterval}, so a deactivation reaches every api and gateway within seconds
 * (listeners are told: the gateway closes the user's sockets) and a reactivation too. A JWT is
 * checked without a database, so this set is what stops a deactivated person's still-valid tokens.
 * Thread-safe.
 */
public final class DeactivatedUsers implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(DeactivatedUsers.class.getName());
    private static final Duration OVERLAP = Duration.ofSeconds(30);

    private final DataSource db;
    private final Set<Long> deactivated = ConcurrentHashMap.newKeySet();
    private final List<LongConsumer> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService poller;
    private volatile boolean loaded;

    /**
     * @param db           PostgreSQL with the {@code users} table
     * @param pollInterval how often changes are looked for
     */
    public DeactivatedUsers(DataSource db, Duration pollInterval) {
        this.db = db;
        this.poller = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("deactivated-users").daemon().factory());
        poller.scheduleWithFixedDelay(this::poll, 0, pollInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** @param listener told the id of each user deactivated since (on the poller thread) */
    public void onDeactivated(LongConsumer listener) {
        listeners.add(listener);
    }

    /** @return whether the user is deactivated, as last polled */
    public boolean isDeactivated(long userId) {
        return deactivated.contains(userId);
    }

    private void poll() {
        String sql = loaded ? UserTables.STATUS_CHANGES : UserTables.DEACTIVATED;
        try (Connection connection = db.getConnection();
             PreparedStatement select = connection.prepareStatement(sql)) {
            if (loaded) {
                select.setString(1, OVERLAP.toSeconds() + " seconds");
            }
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    long id = rows.getLong(1);
                    if (!rows.getBoolean(2)) {
                        deactivated.remove(id);
                    } else if (deactivated.add(id)) {
                        listeners.forEach(listener -> listener.accept(id));
                    }
                }
            }
            loaded = true;
        } catch (SQLException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "deactivated users not polled: {0}", e.getMessage());
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
