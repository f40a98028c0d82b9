import { humanize } from '../lib/format';

/** A state in words and colour: the colour says good / warning / bad / neutral, the words say which. */
const TONE: Record<string, 'good' | 'warn' | 'bad' | 'neutral' | 'info'> = {
  published: 'good',
  draft: 'neutral',
  compliant: 'good',
  under_licensed: 'bad',
  over_licensed: 'warn',
  succeeded: 'good',
  failed: 'bad',
  running: 'info',
  skipped: 'neutral',
  ready: 'warn',
  attention_required: 'bad',
  awaiting_user: 'info',
  awaiting_approval: 'info',
  closed_complete: 'good',
  closed_skipped: 'neutral',
  closed_canceled: 'neutral',
  restored: 'info',
  passed: 'good',
  active: 'good',
  ended: 'neutral',
};

export function Badge({ value, label }: { value: string; label?: string }) {
  return <span class={`badge badge-${TONE[value] ?? 'neutral'}`}>{label ?? humanize(value)}</span>;
}
