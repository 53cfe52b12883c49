package dev.runway.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.Request;

/**
 * Whether the client of a held request closed its connection. HTTP/1.1 gives no sign of that while the server is not
 * reading (and a write to a closed socket succeeds), so the socket is looked at directly: end of stream, a reset, or
 * any byte at all (a client waiting for its answer sends nothing; a TLS client that leaves sends close_notify) means
 * the client is gone. Only for requests whose client waits in silence, such as a held claim.
 */
final class ClientPresence {
    private ClientPresence() {}

    static boolean gone(Request request) {
        EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        while (endPoint instanceof EndPoint.Wrapper wrapper) {
            endPoint = wrapper.unwrap();
        }
        if (!endPoint.isOpen()) {
            return true;
        }
        if (!(endPoint instanceof SocketChannelEndPoint socket)) {
            return false; // not a network socket (e.g. in-memory): cannot tell, assume present
        }
        SocketChannel channel = socket.getChannel();
        try {
            // non-blocking (Jetty's channels are): 0 means nothing arrived, the client is still waiting
            return channel.read(ByteBuffer.allocate(1)) != 0;
        } catch (IOException e) {
            return true; // reset by the peer
        }
    }
}
