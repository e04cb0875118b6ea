/**
 * The chat notifier (functions/jobs/notify-chat.ts): a CloudWatch alarm's SNS message in plain
 * words, and the post to the webhook with the text as `text` and `Content`, to a real local
 * HTTP server; a refused post throws so that SNS retries.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import type { SNSEvent } from 'aws-lambda';
import { chatTextOf, handler } from '#functions/jobs/notify-chat.ts';

const alarm = {
  AlarmName: 'MesOperations-ApiServerErrorRate',
  AlarmDescription: 'API 5xx rate: More than 1% of API requests answered 5xx. What to do: open the dashboard.',
  NewStateValue: 'ALARM',
  NewStateReason: 'Threshold Crossed: 2 out of the last 3 datapoints were greater than the threshold (1.0).',
  StateChangeTime: '2026-12-04T00:40:00.000+0000',
  Region: 'EU (Ireland)',
};
const eventOf = (message: string): SNSEvent =>
  ({ Records: [{ Sns: { Message: message, Subject: 'ALARM: "x"', MessageId: 'm-1' } }] }) as unknown as SNSEvent;

describe('alarm notifications in a chat channel', () => {
  it('says which alarm, what it means and what to do, why and since when; and when it clears', () => {
    const text = chatTextOf(JSON.stringify(alarm));
    assert.equal(
      text,
      [
        'ALARM: MesOperations-ApiServerErrorRate (EU (Ireland))',
        alarm.AlarmDescription,
        `Why: ${alarm.NewStateReason}`,
        `Since: ${alarm.StateChangeTime}`,
      ].join('\n'),
    );
    assert.match(chatTextOf(JSON.stringify({ ...alarm, NewStateValue: 'OK' })), /^Resolved: /);
    assert.equal(chatTextOf('not json', 'Subject'), 'Subject\nnot json');
  });

  it('posts the text to the webhook, and throws when the webhook refuses it', async () => {
    const bodies: unknown[] = [];
    let status = 200;
    const server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => {
        raw += c;
      });
      req.on('end', () => {
        bodies.push(JSON.parse(raw));
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    process.env.MES_ALARM_WEBHOOK_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    try {
      await handler(eventOf(JSON.stringify(alarm)));
      const [body] = bodies as { text: string; Content: string }[];
      assert.match(body?.text ?? '', /^ALARM: MesOperations-ApiServerErrorRate/);
      assert.equal(body?.Content, body?.text);
      status = 404;
      await assert.rejects(handler(eventOf(JSON.stringify(alarm))), /404/);
    } finally {
      delete process.env.MES_ALARM_WEBHOOK_URL;
      server.close();
    }
  });
});
