export * from './chat-request.js';
export * from './chat-response.js';
export * from './embeddings.js';
export * from './error-body.js';
export * from './validate.js';
export * from './accumulate.js';
