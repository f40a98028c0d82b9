export * from './client';
export * from './failures';
export * from './memoryTokens';
export * from './oauth';
export type * from './types';
