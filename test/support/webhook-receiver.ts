import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One POST the receiver got, with whether its HMAC signature checked out. */
export interface ReceivedHook {
  deliveryId: string;
  signatureValid: boolean;
  body: {
    schemaVersion: number;
    deliveryId: string;
    event: { id: number; kind: string; reference: string; from?: string; to?: string };
  };
  /** The status the receiver answered with. */
  status: number;
}

/** A loopback webhook receiver; `answer` picks each response (default 200; "hang" never answers). */
export interface WebhookReceiver {
  url: string;
  received: ReceivedHook[];
  answer: (hook: ReceivedHook, index: number) => number | "hang";
  /** Resolves when a request arrives (the next one). */
  nextRequest(): Promise<ReceivedHook>;
  stop(): Promise<void>;
}

/**
 * Start a receiver on 127.0.0.1 that checks `X-Digestguard-Signature`
 * (HMAC-SHA256 of the raw body under `secret`) the way a user's would.
 *
 * @example
 * ```ts
 * const receiver = await startWebhookReceiver("s3cret");
 * ```
 */
export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const waiting: ((hook: ReceivedHook) => void)[] = [];
  const hanging: ServerResponse[] = [];
  const receiver: WebhookReceiver = {
    url: "",
    received: [],
    answer: () => 200,
    nextRequest: () => new Promise((resolve) => waiting.push(resolve)),
    stop: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const expected = Buffer.from(`sha256=${createHmac("sha256", secret).update(raw).digest("hex")}`);
      const given = Buffer.from(String(req.headers["x-digestguard-signature"] ?? ""));
      const hook: ReceivedHook = {
        deliveryId: String(req.headers["x-digestguard-delivery"] ?? ""),
        signatureValid: given.length === expected.length && timingSafeEqual(given, expected),
        body: JSON.parse(raw.toString("utf8")) as ReceivedHook["body"],
        status: 0,
      };
      const answer = receiver.answer(hook, receiver.received.length);
      hook.status = answer === "hang" ? 0 : answer;
      receiver.received.push(hook);
      for (const resolve of waiting.splice(0)) resolve(hook);
      if (answer === "hang") hanging.push(res);
      else res.writeHead(answer).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return receiver;
}
