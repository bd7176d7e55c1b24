import { ChatModel, type Generation, type LlmOptions } from '@nemo/inference';
import { LlamaText, SpecialToken, SpecialTokensText } from 'node-llama-cpp';
import { templateFor, type ChatTemplate, type PromptPart, type TemplateMessage } from './chat-template.js';

export interface GenerateRequest {
  messages: readonly TemplateMessage[];
  maxTokens: number;
  stop: readonly string[];
  temperature: number;
  topP?: number | undefined;
  seed?: number | undefined;
  signal: AbortSignal;
  onText?: (chunk: string) => void;
  onToken?: (count: number) => void;
}

/** A rendered prompt and its exact token count. */
export interface Prompt {
  text: LlamaText;
  tokens: number;
}

/** Text parts stay text (no special tokens parsed from user input); markers become special tokens. */
export function llamaTextOf(parts: readonly PromptPart[]): LlamaText {
  return LlamaText(parts.map(partValue));
}

function partValue(p: PromptPart): string | SpecialToken | SpecialTokensText {
  if (!p.special) return p.text;
  // The model's own BOS token, whatever its vocabulary spells it as.
  return p.text === '<bos>' ? new SpecialToken('BOS') : new SpecialTokensText(p.text);
}

/** The chat model behind the service, with its family's template. */
export class Generator {
  private constructor(
    readonly model: ChatModel,
    readonly template: ChatTemplate,
  ) {}

  static async load(name: string, options: LlmOptions): Promise<Generator> {
    const model = await ChatModel.load(name, options);
    const family = model.resolved.model.settings['chatTemplate'];
    return new Generator(model, templateFor(typeof family === 'string' ? family : 'gemma'));
  }

  get name(): string {
    return this.model.resolved.model.name;
  }

  get contextSize(): number {
    return this.model.contextSize;
  }

  countTokens(text: string): number {
    return this.model.tokenCount(text);
  }

  prompt(messages: readonly TemplateMessage[]): Prompt {
    const text = llamaTextOf(this.template.render(messages));
    return { text, tokens: this.model.promptTokens(text) };
  }

  generate(prompt: Prompt, req: GenerateRequest): Promise<Generation> {
    return this.model.complete(prompt.text, {
      maxTokens: req.maxTokens,
      stop: [...this.template.stop, ...req.stop],
      temperature: req.temperature,
      ...(req.topP === undefined ? {} : { topP: req.topP }),
      ...(req.seed === undefined ? {} : { seed: req.seed }),
      signal: req.signal,
      ...(req.onText ? { onText: req.onText } : {}),
      ...(req.onToken ? { onToken: req.onToken } : {}),
    });
  }

  dispose(): Promise<void> {
    return this.model.dispose();
  }
}
