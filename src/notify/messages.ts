import type { MailMessage } from './mailer';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : 'the start of our records');

function render(to: string, subject: string, paragraphs: string[], links: Array<[label: string, url: string]>): MailMessage {
  const text = [...paragraphs, '', ...links.map(([label, url]) => `${label}: ${url}`)].join('\n');
  const html = [
    ...paragraphs.map((p) => `<p>${escape(p)}</p>`),
    `<p>${links.map(([label, url]) => `<a href="${escape(url)}">${escape(label)}</a>`).join(' &nbsp; ')}</p>`,
  ].join('\n');
  return { to, subject, text, html };
}

const when = (d: Date) => `${d.toISOString().replace('T', ' ').slice(0, 16)} UTC`;

/** What a person loses when their seat is reclaimed (removed from the organization). */
const LOSES =
  'Reclaiming the seat removes you from the organization in Asana: you lose access to its projects, tasks, ' +
  'conversations and files; Asana hands your private projects and tasks to an admin and may reassign your tasks. ' +
  'Being added back later does not bring those back by itself.';

/** Asks the person whether they still need their seat; a reminder says the same, closer to the date. */
export function seatNotice(p: {
  to: string;
  name: string | null;
  organization: string;
  lastActivityAt: Date | null;
  deadline: Date;
  keepUrl: string;
  releaseUrl: string;
  reminder?: boolean;
}): MailMessage {
  return render(
    p.to,
    p.reminder
      ? `Reminder: your Asana seat in ${p.organization} will be reclaimed on ${when(p.deadline)}`
      : `Do you still need your Asana seat in ${p.organization}? It will be reclaimed on ${when(p.deadline)}`,
    [
      `Hello ${p.name ?? ''},`.replace(' ,', ','),
      `You have not used Asana in ${p.organization} since ${day(p.lastActivityAt)}. Seats cost money, so unused ones are given back.`,
      `Your seat will be reclaimed on ${when(p.deadline)} unless you keep it.`,
      LOSES,
      `To keep it, choose "Keep my seat" (your manager will confirm) before ${when(p.deadline)}; or choose "Release my seat" if you do not need it. Each link works once.`,
    ],
    [
      ['Keep my seat', p.keepUrl],
      ['Release my seat', p.releaseUrl],
    ],
  );
}

/** Asks the manager to decide on a request to keep a seat. */
export function keepRequest(p: {
  to: string;
  person: string;
  organization: string;
  lastActivityAt: Date | null;
  deadline: Date;
  approveUrl: string;
  rejectUrl: string;
  reminder?: boolean;
}): MailMessage {
  return render(
    p.to,
    `${p.reminder ? 'Reminder: ' : ''}${p.person} asks to keep an unused Asana seat (decide by ${when(p.deadline)})`,
    [
      `${p.person} has not used Asana in ${p.organization} since ${day(p.lastActivityAt)} and asked to keep their seat.`,
      `Approve to let them keep it, or reject to have the seat reclaimed at once (they lose access to the organization's projects and tasks). The links work once, until ${when(p.deadline)}; without a decision by then the seat is not reclaimed and an operator is asked to decide.`,
    ],
    [
      ['Approve: keep the seat', p.approveUrl],
      ['Reject: reclaim the seat', p.rejectUrl],
    ],
  );
}
