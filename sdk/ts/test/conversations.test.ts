// Unit tests of the conversation helpers (src/conversations.ts) against an
// in-memory fake (Connect's router transport): iterateMessages pages back to
// the first message and forward to the newest (or forward from a message),
// and watchConversation asks for the conversation event types, keeps one
// conversation's events and still resumes past the others.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type ConnectRouter, createRouterTransport } from "@connectrpc/connect";
import { buildClient } from "../src/client-core.js";
import {
  ConversationService,
  EventSchema,
  EventService,
  EventType,
  type GigwireClient,
  ListMessagesResponseSchema,
  type Message,
  MessageSchema,
  type WatchEventsRequest,
  type WatchEventsResponse,
  WatchEventsResponseSchema,
} from "../src/index.js";

/** ListMessages as the server pages; WatchEvents plays streams[i], then ends UNAVAILABLE. */
class FakeConversations {
  readonly messages: Message[];
  readonly listed: [string, string][] = [];
  readonly watched: WatchEventsRequest[] = [];
  streams: WatchEventsResponse[][] = [];

  constructor(count: number) {
    this.messages = Array.from({ length: count }, (_, i) =>
      create(MessageSchema, { id: `msg_${i + 1}`, conversationId: "cnv_1", seq: BigInt(i + 1) }),
    );
  }

  routes = (router: ConnectRouter): void => {
    router.service(ConversationService, {
      listMessages: async (request) => {
        this.listed.push([request.beforeMessageId, request.afterMessageId]);
        const ids = this.messages.map((m) => m.id);
        const size = request.pageSize;
        let page: Message[];
        if (request.afterMessageId !== "") {
          const start = ids.indexOf(request.afterMessageId) + 1;
          page = this.messages.slice(start, start + size);
        } else {
          const end = request.beforeMessageId !== "" ? ids.indexOf(request.beforeMessageId) : ids.length;
          page = this.messages.slice(Math.max(0, end - size), end);
        }
        const first = page.length > 0 ? ids.indexOf(page[0]!.id) : ids.length;
        return create(ListMessagesResponseSchema, {
          messages: page,
          hasOlder: first > 0,
          hasNewer: first + page.length < ids.length,
        });
      },
    });
    router.service(EventService, {
      watchEvents: (request, context) => this.watch(request, context.signal),
    });
  };

  private async *watch(request: WatchEventsRequest, signal: AbortSignal) {
    const index = this.watched.push(request) - 1;
    const stream = this.streams[index];
    if (stream === undefined) {
      await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
      return;
    }
    yield* stream;
    throw new ConnectError("cut", Code.Unavailable);
  }
}

function clientOf(fake: FakeConversations): GigwireClient {
  return buildClient(
    {},
    {
      transport: (interceptors) => createRouterTransport(fake.routes, { transport: { interceptors } }),
      close: () => undefined,
    },
  );
}

function sent(cursor: string, conversationId: string, seq: number): WatchEventsResponse {
  const event = create(EventSchema, {
    cursor,
    type: EventType.MESSAGE_SENT,
    resource: { case: "message", value: { id: `msg_${seq}`, conversationId, seq: BigInt(seq) } },
  });
  return create(WatchEventsResponseSchema, { kind: { case: "event", value: event } });
}

function read(cursor: string, conversationId: string): WatchEventsResponse {
  const event = create(EventSchema, {
    cursor,
    type: EventType.MESSAGES_READ,
    resource: { case: "readReceipt", value: { conversationId, userId: "usr_2", lastReadSeq: 1n } },
  });
  return create(WatchEventsResponseSchema, { kind: { case: "event", value: event } });
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe("iterateMessages", () => {
  it("pages back to the first message, then forward to the newest", async () => {
    const fake = new FakeConversations(7);
    const seqs = (await collect(clientOf(fake).iterateMessages("cnv_1", { pageSize: 3 }))).map((m) => Number(m.seq));
    assert.deepEqual(seqs, [1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual(fake.listed, [["", ""], ["msg_5", ""], ["msg_2", ""], ["", "msg_7"]]);
  });

  it("pages forward after a message, and yields nothing for an empty conversation", async () => {
    const fake = new FakeConversations(7);
    const after = await collect(clientOf(fake).iterateMessages("cnv_1", { afterMessageId: "msg_2", pageSize: 3 }));
    assert.deepEqual(after.map((m) => Number(m.seq)), [3, 4, 5, 6, 7]);
    assert.deepEqual(fake.listed, [["", "msg_2"], ["", "msg_5"]]);
    assert.deepEqual(await collect(clientOf(new FakeConversations(0)).iterateMessages("cnv_1")), []);
  });
});

describe("watchConversation", () => {
  it("keeps one conversation's events and resumes past the others", async () => {
    const fake = new FakeConversations(0);
    fake.streams = [
      [sent("1", "cnv_1", 1), sent("2", "cnv_other", 1)],
      [sent("2", "cnv_other", 1), read("3", "cnv_1"), sent("4", "cnv_other", 2), sent("5", "cnv_1", 2)],
    ];
    const controller = new AbortController();
    const got: [string, EventType][] = [];
    const watch = clientOf(fake).watchConversation("cnv_1", { resumeCursor: "0", signal: controller.signal, maxBackoffMs: 5 });
    for await (const event of watch) {
      got.push([event.cursor, event.type]);
      if (got.length === 3) break;
    }
    assert.deepEqual(got, [
      ["1", EventType.MESSAGE_SENT],
      ["3", EventType.MESSAGES_READ],
      ["5", EventType.MESSAGE_SENT],
    ]);
    assert.deepEqual(fake.watched.map((r) => r.resumeCursor), ["0", "2"]);
    assert.deepEqual(fake.watched[0]!.types, [
      EventType.CONVERSATION_JOINED,
      EventType.MESSAGE_SENT,
      EventType.MESSAGES_READ,
      EventType.MESSAGE_HIDDEN,
    ]);
  });
});
