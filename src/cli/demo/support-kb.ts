/**
 * The demo's support knowledge base and the answers the fake providers give: grounded ones (a
 * sentence of the knowledge base, as JSON), ungrounded ones (invented facts), and broken JSON.
 */

export const KNOWLEDGE_BASE: readonly string[] = [
  'Standard shipping takes 2 business days.',
  'Express shipping arrives the next business day.',
  'Returns are accepted within 30 days of delivery.',
  'Refunds go back to the original payment method within 5 business days.',
  'Orders can be changed until they ship.',
];

export const CATEGORIES = ['shipping', 'returns', 'refunds', 'orders'] as const;

/** The JSON answers must follow this schema. */
export const ANSWER_SCHEMA = {
  type: 'object',
  required: ['answer', 'category'],
  properties: { answer: { type: 'string', minLength: 1 }, category: { enum: [...CATEGORIES] } },
  additionalProperties: false,
} as const;

export const QUESTIONS: readonly { text: string; hard: boolean }[] = [
  { text: 'How long does standard shipping take?', hard: false },
  { text: 'I was charged twice and the second parcel never came. What happens to my money?', hard: true },
  { text: 'Can I return a jacket I bought last week?', hard: false },
  { text: 'When will I get my refund?', hard: false },
  { text: 'My order shipped to my old address; can you change it and send it express?', hard: true },
  { text: 'Can I still change my order?', hard: false },
];

const GROUNDED: readonly { answer: string; category: string }[] = [
  { answer: 'Standard shipping takes 2 business days.', category: 'shipping' },
  { answer: 'Returns are accepted within 30 days of delivery.', category: 'returns' },
  { answer: 'Refunds go back to the original payment method within 5 business days.', category: 'refunds' },
  { answer: 'Orders can be changed until they ship.', category: 'orders' },
  { answer: 'Express shipping arrives the next business day.', category: 'shipping' },
];

const UNGROUNDED: readonly { answer: string; category: string }[] = [
  { answer: 'Standard shipping takes 7 business days and is free worldwide.', category: 'shipping' },
  { answer: 'Returns are accepted within 90 days without a receipt.', category: 'returns' },
  { answer: 'Refunds are paid in cash within 24 hours.', category: 'refunds' },
];

export function groundedAnswer(i: number): string {
  return JSON.stringify(GROUNDED[i % GROUNDED.length]);
}

export function ungroundedAnswer(i: number): string {
  return JSON.stringify(UNGROUNDED[i % UNGROUNDED.length]);
}

/** Broken answers: cut-off JSON, prose around JSON, a category outside the schema. */
export function brokenJsonAnswer(i: number): string {
  const g = groundedAnswer(i);
  switch (i % 3) {
    case 0:
      return g.slice(0, Math.floor(g.length * 0.6));
    case 1:
      return `Sure! Here is the answer: ${g}`;
    default:
      return JSON.stringify({ answer: GROUNDED[i % GROUNDED.length]!.answer, category: 'logistics' });
  }
}
