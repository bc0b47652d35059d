declare module '@nlpjs/core' {
  export function containerBootstrap(): Promise<{ use(plugin: unknown): void }>;
}
declare module '@nlpjs/lang-ru' {
  export const LangRu: unknown;
}
declare module '@nlpjs/nlu' {
  export class NluNeural {
    constructor(settings: Record<string, unknown>);
  }
}
