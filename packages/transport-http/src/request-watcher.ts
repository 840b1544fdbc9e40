// node-fetch v2 pipes the socket's response into a PassThrough without forwarding errors: when a
// server closes the connection in the middle of a body that has a Content-Length, the body
// stream simply never ends. Seeing the real `http.ClientRequest` lets the transport notice the
// incomplete response and fail the request at once instead of waiting for its deadline.
//
// The hook is `Agent#addRequest`, the method Node calls with each request it hands an agent
// (the extension point proxy agents use). node-fetch calls it synchronously inside `fetch()`,
// so "the next request this agent sees" is exactly the request being started.
import type { Agent, ClientRequest } from 'node:http';

/** Called with the `ClientRequest` node-fetch creates for the request being started. */
export type RequestWatcher = (request: ClientRequest) => void;

interface AgentWithAddRequest {
  addRequest?: (this: Agent, request: ClientRequest, options: unknown) => void;
}

/** Hands each request started through the watched agents to the watcher set for it. */
export class RequestWatchHook {
  private next: RequestWatcher | undefined = undefined;

  /** Wraps `agent.addRequest`. If a future Node drops that method, watching silently stops (deadlines still apply). */
  install(agent: Agent): void {
    const internals = agent as unknown as AgentWithAddRequest;
    const original = internals.addRequest;
    if (typeof original !== 'function') return;
    const hook = this;
    internals.addRequest = function addRequest(this: Agent, request: ClientRequest, options: unknown): void {
      const watcher = hook.next;
      hook.next = undefined;
      if (watcher !== undefined) watcher(request);
      original.call(this, request, options);
    };
  }

  /** Sets the watcher for the next request; call {@link clear} right after the synchronous `fetch()` call. */
  expect(watcher: RequestWatcher): void {
    this.next = watcher;
  }

  clear(): void {
    this.next = undefined;
  }
}
