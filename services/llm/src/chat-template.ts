/**
 * Chat templates per model family, as plain data: a prompt is a list of
 * parts, each either text the tokenizer reads as text (so a user cannot
 * forge a turn marker) or a control marker it reads as a special token.
 * The generator turns the parts into the runtime's prompt type.
 */
export interface PromptPart {
  readonly special: boolean;
  readonly text: string;
}

export const ChatRole = { System: 'system', User: 'user', Assistant: 'assistant' } as const;
export type ChatRole = (typeof ChatRole)[keyof typeof ChatRole];

export interface TemplateMessage {
  readonly role: ChatRole;
  readonly content: string;
}

export interface ChatTemplate {
  readonly family: string;
  /** The prompt that asks the model for the next assistant turn. */
  render(messages: readonly TemplateMessage[]): PromptPart[];
  /** Text that ends a turn: generation stops there. */
  readonly stop: readonly string[];
}

const special = (text: string): PromptPart => ({ special: true, text });
const text = (value: string): PromptPart => ({ special: false, text: value });

interface Turn {
  role: 'user' | 'model';
  content: string;
}

/**
 * Gemma has two roles, user and model, in strictly alternating turns and no
 * system role: the system prompt opens the first user turn, separated from
 * it by a blank line (Gemma's own template does exactly this). Consecutive
 * messages of one role are joined into one turn.
 */
export function gemmaTurns(messages: readonly TemplateMessage[]): Turn[] {
  const system = messages.filter((m) => m.role === ChatRole.System).map((m) => m.content);
  const turns: Turn[] = [];
  for (const m of messages) {
    if (m.role === ChatRole.System) continue;
    const role = m.role === ChatRole.User ? 'user' : 'model';
    const last = turns.at(-1);
    if (last?.role === role) last.content += `\n\n${m.content}`;
    else turns.push({ role, content: m.content });
  }
  if (system.length === 0) return turns;
  const preamble = system.join('\n\n');
  if (turns[0]?.role === 'user') turns[0].content = `${preamble}\n\n${turns[0].content}`;
  else turns.unshift({ role: 'user', content: preamble });
  return turns;
}

export const gemmaTemplate: ChatTemplate = {
  family: 'gemma',
  stop: ['<end_of_turn>'],
  render(messages) {
    const parts: PromptPart[] = [special('<bos>')];
    for (const turn of gemmaTurns(messages)) {
      parts.push(special(`<start_of_turn>${turn.role}\n`), text(turn.content), special('<end_of_turn>\n'));
    }
    parts.push(special('<start_of_turn>model\n'));
    return parts;
  },
};

/** ChatML (Qwen and others): a real system role, turns in any order. */
export const chatMlTemplate: ChatTemplate = {
  family: 'chatml',
  stop: ['<|im_end|>'],
  render(messages) {
    const parts: PromptPart[] = [];
    for (const m of messages) parts.push(special(`<|im_start|>${m.role}\n`), text(m.content), special('<|im_end|>\n'));
    parts.push(special('<|im_start|>assistant\n'));
    return parts;
  },
};

const templates: Readonly<Record<string, ChatTemplate>> = { gemma: gemmaTemplate, chatml: chatMlTemplate };

/** The template a catalog model names in `settings.chatTemplate`. */
export function templateFor(family: string): ChatTemplate {
  const template = templates[family];
  if (!template)
    throw new Error(`No chat template for model family ${family} (known: ${Object.keys(templates).join(', ')})`);
  return template;
}

/** The prompt as one string, special markers included: for logs and tests. */
export function promptText(parts: readonly PromptPart[]): string {
  return parts.map((p) => p.text).join('');
}
