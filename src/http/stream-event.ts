/** One framed stream event: an SSE event, or an AWS event-stream message. */
export interface StreamEvent {
  event?: string;
  data: string;
  /** AWS event-stream `:message-type` (`event` or `exception`). */
  messageType?: string;
}
