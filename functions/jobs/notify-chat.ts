/**
 * Alarm topic -> a chat channel's incoming webhook (Slack, Microsoft Teams, Amazon Chime,
 * Mattermost, Google Chat), in plain words: which alarm, what it means, what to do, since when.
 * Subscribed to every alarm topic of the deployment when `mes:alarmWebhookUrl` is set
 * (infra/stacks/operations-stack.ts). Chat webhooks do not accept SNS's own HTTPS format (they
 * cannot confirm a subscription), hence this function.
 *
 * The body carries the text as `text` (Slack, Teams, Mattermost, Google Chat) and as `Content`
 * (Chime); each service ignores the other's field. A failed post throws: SNS retries a Lambda
 * subscriber (asynchronous invocation, two retries), then the notification is lost; the e-mail
 * subscriber, if set, still has it.
 */
import type { SNSEvent } from 'aws-lambda';
import { logger } from '#functions/lib/logger.ts';

/** The CloudWatch alarm notification SNS delivers (the fields used). */
interface AlarmNotification {
  AlarmName?: string;
  AlarmDescription?: string | null;
  NewStateValue?: string;
  OldStateValue?: string;
  NewStateReason?: string;
  StateChangeTime?: string;
  Region?: string;
}

const STATE_WORDS: Record<string, string> = {
  ALARM: 'ALARM',
  OK: 'Resolved',
  INSUFFICIENT_DATA: 'No data',
};

/** The chat text of one SNS message: an alarm's state change in plain words, or the message as it came. */
export function chatTextOf(message: string, subject?: string | null): string {
  let alarm: AlarmNotification;
  try {
    alarm = JSON.parse(message) as AlarmNotification;
  } catch {
    return [subject, message].filter(Boolean).join('\n');
  }
  if (!alarm.AlarmName) return [subject, message].filter(Boolean).join('\n');
  const state = STATE_WORDS[alarm.NewStateValue ?? ''] ?? alarm.NewStateValue ?? 'changed';
  const lines = [
    `${state}: ${alarm.AlarmName}${alarm.Region ? ` (${alarm.Region})` : ''}`,
    ...(alarm.AlarmDescription ? [alarm.AlarmDescription] : []),
    ...(alarm.NewStateReason ? [`Why: ${alarm.NewStateReason}`] : []),
    ...(alarm.StateChangeTime ? [`Since: ${alarm.StateChangeTime}`] : []),
  ];
  return lines.join('\n');
}

export const handler = async (event: SNSEvent): Promise<void> => {
  const url = process.env.MES_ALARM_WEBHOOK_URL;
  if (!url) throw new Error('MES_ALARM_WEBHOOK_URL is not set');
  for (const record of event.Records) {
    const text = chatTextOf(record.Sns.Message, record.Sns.Subject);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text, Content: text }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) {
      logger.error('chat webhook refused the alarm', { status: response.status, messageId: record.Sns.MessageId });
      throw new Error(`chat webhook answered ${response.status}`);
    }
  }
};
