package dev.chat.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket peer that completes the upgrade over a plain socket with a tiny receive buffer and
 * then never reads again: a stalled phone. It answers no ping, and the server's writes to it block.
 */
final class SilentClient implements AutoCloseable {

    private final Socket socket;

    private SilentClient(Socket socket) {
        this.socket = socket;
    }

    static SilentClient connect(int port, String token) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String request = "GET /ws HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "Authorization: Bearer " + token + "\r\n\r\n";
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        StringBuilder response = new StringBuilder();
        while (!response.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed during upgrade: " + response);
            }
            response.append((char) b);
        }
        if (!response.toString().startsWith("HTTP/1.1 101")) {
            throw new IOException("upgrade refused: " + response);
        }
        return new SilentClient(socket);
    }

    /**
     * Reads what the server sent until its close frame or the end of the stream.
     *
     * @param timeout how long to read
     * @return the close code, or -1 if the server dropped the connection without one
     * @throws IOException if nothing ends the connection within the timeout
     */
    int awaitClose(java.time.Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
        try {
            while (true) {
                int opcode = in.readUnsignedByte() & 0x0F;
                long length = in.readUnsignedByte() & 0x7F;
                if (length == 126) {
                    length = in.readUnsignedShort();
                } else if (length == 127) {
                    length = in.readLong();
                }
                if (opcode == 0x8) {
                    return length >= 2 ? in.readUnsignedShort() : 1005;
                }
                in.skipNBytes(length);
            }
        } catch (java.io.EOFException | java.net.SocketException e) {
            return -1;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
