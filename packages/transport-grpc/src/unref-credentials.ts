// A tracing backend must never hold an app's exit, but grpc-js refs a connection's socket while a
// call on it is active (so that a script awaiting a call stays alive). These credentials wrap the
// real ones and hand grpc-js sockets whose `ref()` does nothing: the connection never keeps the
// process running, whatever the calls on it. Whoever awaits a call (an awaited flush or shutdown,
// or a transport with `keepProcessAlive`) holds the process open instead, within its deadline.
//
// The hook is the credentials' secure connector, the step where grpc-js hands over the connected
// TCP socket and gets back the socket (TLS or not) that carries HTTP/2: every connection of a
// channel built with these credentials passes through it, and only those connections.
import type { Socket } from 'node:net';
import { ChannelCredentials } from '@grpc/grpc-js';

type SecureConnector = ReturnType<ChannelCredentials['_createSecureConnector']>;
type ConnectorArguments = Parameters<ChannelCredentials['_createSecureConnector']>;

function keepsNoProcessAlive(this: Socket): Socket {
  return this;
}

/** Unrefs `socket` now and for good: later `ref()` calls (grpc-js's, per active call) do nothing. */
function unrefForGood(socket: Socket): void {
  socket.unref();
  socket.ref = keepsNoProcessAlive;
}

/** Channel credentials that behave like `inner` but whose connections never keep the process alive. */
export class UnrefCredentials extends ChannelCredentials {
  readonly #inner: ChannelCredentials;

  constructor(inner: ChannelCredentials) {
    super();
    this.#inner = inner;
  }

  override _isSecure(): boolean {
    return this.#inner._isSecure();
  }

  override _equals(other: ChannelCredentials): boolean {
    return other instanceof UnrefCredentials && this.#inner._equals(other.#inner);
  }

  override _createSecureConnector(...args: ConnectorArguments): SecureConnector {
    const connector = this.#inner._createSecureConnector(...args);
    return {
      connect: async (socket) => {
        // Unref the TCP socket before the TLS handshake: a server that accepts and never
        // answers the handshake does not hold the exit either.
        unrefForGood(socket);
        const result = await connector.connect(socket);
        if (result.socket !== socket) unrefForGood(result.socket);
        return result;
      },
      waitForReady: () => connector.waitForReady(),
      getCallCredentials: () => connector.getCallCredentials(),
      destroy: () => connector.destroy(),
    };
  }
}
