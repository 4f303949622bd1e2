// The mock scenario of the gateway bench: one fixed answer, streamed in 20 chunks.
export const STREAM_CHUNKS = 20;
export const MOCK_SCENARIO = {
  name: 'bench',
  defaults: {
    reply: { text: 'A short answer from the bench mock, long enough to be cut into twenty stream chunks of a few words each, as a model would send it.' },
    stream: { chunks: STREAM_CHUNKS },
  },
};
