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

/** Asks the person whether they still need their seat. */
export function seatNotice(p: { to: string; name: string | null; organization: string; lastActivityAt: Date | null; deadline: Date; keepUrl: string; releaseUrl: string }): MailMessage {
  return render(
    p.to,
    `Do you still need your Asana seat in ${p.organization}?`,
    [
      `Hello ${p.name ?? ''},`.replace(' ,', ','),
      `You have not used Asana in ${p.organization} since ${day(p.lastActivityAt)}. Seats cost money, so unused ones are given back.`,
      `Choose "Keep my seat" if you still need it (your manager will confirm), or "Release my seat" if you do not.`,
      `Without an answer by ${p.deadline.toISOString().replace('T', ' ').slice(0, 16)} UTC, the seat is released automatically. Each link works once.`,
    ],
    [
      ['Keep my seat', p.keepUrl],
      ['Release my seat', p.releaseUrl],
    ],
  );
}

/** Asks the manager to decide on a request to keep a seat. */
export function keepRequest(p: { to: string; person: string; organization: string; lastActivityAt: Date | null; deadline: Date; approveUrl: string; rejectUrl: string }): MailMessage {
  return render(
    p.to,
    `${p.person} asks to keep an unused Asana seat`,
    [
      `${p.person} has not used Asana in ${p.organization} since ${day(p.lastActivityAt)} and asked to keep their seat.`,
      `Approve to let them keep it, or reject to have the seat reclaimed. The links work once, until ${p.deadline.toISOString().replace('T', ' ').slice(0, 16)} UTC.`,
    ],
    [
      ['Approve: keep the seat', p.approveUrl],
      ['Reject: reclaim the seat', p.rejectUrl],
    ],
  );
}
