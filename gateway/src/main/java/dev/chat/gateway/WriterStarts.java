package dev.chat.gateway;

import java.util.ArrayList;
import java.util.List;

/**
 * The socket writers one fan-out needs, started together. A fan-out runs on a Redis I/O thread:
 * starting a writer (a virtual thread) for each of N idle sockets from there is N submissions from
 * outside the virtual-thread scheduler, each of which may wake a carrier thread. Instead one
 * virtual thread is started; it starts the other writers from inside the scheduler (queued on its
 * carrier, no wake-up each) and writes the first socket itself. Frames are queued on every socket
 * before any writer starts, so each socket's order is the order of the fan-outs. Not thread-safe:
 * one instance per fan-out, used on the thread that runs it.
 */
final class WriterStarts {

    private Outbox first;
    private List<Outbox> more;

    /** @param outbox a socket that has frames queued and needs a writer (it claimed its writing flag) */
    void add(Outbox outbox) {
        if (first == null) {
            first = outbox;
        } else {
            if (more == null) {
                more = new ArrayList<>();
            }
            more.add(outbox);
        }
    }

    /** Starts the writers collected (at most one thread start from the calling thread). */
    void start() {
        if (first == null) {
            return;
        }
        if (more == null) {
            first.startWriter();
            return;
        }
        Outbox head = first;
        List<Outbox> rest = more;
        Thread.ofVirtual().name("fan-out").start(() -> {
            rest.forEach(Outbox::startWriter);
            head.drainHere();
        });
    }
}
