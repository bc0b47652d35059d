export const CHANNELS = ['webchat', 'telegram', 'whatsapp', 'instagram', 'vk'] as const;
export type Channel = (typeof CHANNELS)[number];
