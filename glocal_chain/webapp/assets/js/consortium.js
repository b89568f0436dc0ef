/**
 * The consortium's page (/consortium): member cities and their rules, hubs waiting for approval (a city
 * approves inside its areas; elsewhere it takes a proposal), open proposals to vote, queue and execute, pause.
 * @module consortium
 */

import { api, build } from './api.js';
import { sameAddress, shortAddress } from './address.js';
import { onAccount, requireAccount, startSession } from './session.js';
import { byId, el, fact, fill, formatDate, onClick, say, sayError } from './ui.js';
import { sendTransactions } from './wallet.js';

/** @type {any[]} */
let members = [];

/** Builds and sends one transaction. @param {string} action @param {object} fields @param {string} done */
async function act(action, fields, done) {
  const from = await requireAccount();
  const { transactions } = await build(action, { from, ...fields });
  await sendTransactions(transactions, say);
  say(done, 'ok');
}

/** @param {string} cls @param {string} label @param {() => Promise<void>} work */
function button(cls, label, work) {
  const node = el('button', { type: 'button', class: cls, text: label });
  onClick(node, work);
  return node;
}

/** Who may approve a hub, in a sentence. @param {any} hub @param {string | null} account */
function approver(hub, account) {
  const cities = members.filter((m) => m.areas.some((/** @type {string} */ area) => hub.geohash.startsWith(area)));
  const mine = account && cities.some((m) => sameAddress(m.account, account));
  if (mine) return 'In your city\u2019s area: you approve it directly.';
  if (cities.length) return `In the area of ${cities.map((m) => m.name).join(', ')}: that city approves it; elsewhere it takes a proposal.`;
  return 'In no member city\u2019s area: approving it takes a consortium proposal.';
}

/** @param {string | null} account */
async function loadPendingHubs(account) {
  const hubs = await api('/v1/hubs?status=pending&limit=500');
  fill(byId('pending-hubs'), hubs.length ? hubs.map((/** @type {any} */ hub) => el('li', { class: 'hub', 'data-hub-id': hub.hub_id },
    el('h3', { text: `Hub ${hub.hub_id}` }),
    el('dl', {}, fact('Place', hub.geohash), fact('Operator', hub.operator), fact('Profile', hub.metadata_uri)),
    el('p', { class: 'help', text: approver(hub, account) }),
    button('approve-hub', `Approve hub ${hub.hub_id}`, async () => {
      await act('approve-hub', { hub_id: hub.hub_id }, `Hub ${hub.hub_id} approved.`);
      await loadPendingHubs(account);
    }),
    button('propose-approve-hub', `Propose to approve hub ${hub.hub_id}`, async () => {
      await act('propose-approve-hub', { hub_id: hub.hub_id },
        `Proposed: the consortium approves hub ${hub.hub_id} once the members pass it.`);
      await loadProposals();
    }))) : [el('li', { class: 'empty', text: 'No hub is waiting.' })]);
}

/** A proposal's row. @param {any} p */
function proposalRow(p) {
  const id = p.proposal_id;
  const vote = (/** @type {string} */ support) => act('vote', { proposal_id: id, support, reason: '' },
    `Your vote ${support} proposal ${id} is counted.`).then(loadProposals);
  return el('li', { class: 'proposal', 'data-proposal-id': id },
    el('h3', { text: `Proposal ${id}: ${p.description}` }),
    el('dl', {}, fact('State', p.state), fact('Votes', `${p.votes_for} for, ${p.votes_against} against, ${p.votes_abstain} abstain `
      + `(quorum ${p.quorum})`), fact('Voting', `${formatDate(p.vote_start)} to ${formatDate(p.vote_end)}`),
      fact('Proposer', shortAddress(p.proposer)), ...(p.eta ? [fact('Can run from', formatDate(p.eta))] : [])),
    el('ul', { class: 'calls' }, ...p.actions.map((/** @type {string} */ a) => el('li', {}, el('code', { text: a })))),
    el('div', { class: 'actions' }, button('vote-for', 'Vote for', () => vote('for')),
      button('vote-against', 'Vote against', () => vote('against')),
      button('queue', 'Queue', () => act('queue', { proposal_id: id }, `Proposal ${id} queued.`).then(loadProposals)),
      button('execute', 'Execute', () => act('execute', { proposal_id: id }, `Proposal ${id} executed.`).then(loadProposals))));
}

async function loadProposals() {
  const proposals = await api('/v1/consortium/proposals?state=open');
  fill(byId('proposals'), proposals.length ? proposals.map(proposalRow) : [el('li', { class: 'empty', text: 'No open proposal.' })]);
}

async function loadMembers() {
  const consortium = await api('/v1/consortium');
  members = consortium.members;
  const { rules } = consortium;
  fill(byId('rules'), [el('p', { text: `${rules.members} members; a proposal needs ${rules.quorum_now} votes for or abstaining `
    + `(${rules.quorum_percent} %). Voting opens ${rules.voting_delay_s} s after a proposal and lasts ${rules.voting_period_s} s; `
    + `a passed proposal runs ${rules.timelock_delay_s} s after it is queued.` })]);
  fill(byId('members'), members.map((m) => el('li', { class: 'member' }, el('h3', { text: m.name }),
    el('dl', {}, fact('Account', m.account), fact('Approves hubs in', m.areas.join(', ') || 'no area')))));
}

startSession();
loadMembers().catch(sayError).then(() => loadPendingHubs(null)).catch(sayError);
loadProposals().catch(sayError);
onAccount((account) => { loadPendingHubs(account).catch(sayError); });
onClick(byId('pause'), () => act('pause', {}, 'The market is paused: only a proposal unpauses it.'));
onClick(byId('propose-unpause'), () => act('propose-unpause', {},
  'Proposed: lift the pause once the members pass it.').then(loadProposals));
