import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { FindingsMessage } from './message';
import { LeakscanError } from '../errors';

export class PublishError extends LeakscanError {}

/** One publish per scan; returns the SNS message id. */
export async function publishFindings(
  client: SNSClient,
  topicArn: string,
  message: FindingsMessage,
): Promise<string | undefined> {
  try {
    const result = await client.send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: message.subject,
        Message: message.message,
        MessageStructure: 'json',
        MessageAttributes: message.attributes,
      }),
    );
    return result.MessageId;
  } catch (error) {
    throw new PublishError(`publishing to ${topicArn} failed`, { cause: error });
  }
}
