// Regenerates example_data/*.json (MongoDB Extended JSON, one file per collection): an admin, three
// users, and a history whose balances match their ledger. `npx ts-node --transpile-only scripts/make-example-data.ts`
import { hash } from '@node-rs/argon2';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { entryId, LedgerEntry, pageKeyOf } from '../src/modules/wallet/domain/ledger-entry';

const dir = join(__dirname, '..', 'example_data');
const at = (s: string) => new Date(`${s}+07:00`);

async function main() {
  const people = [
    { _id: '01900000-0000-7000-8000-000000000001', first_name: 'Admin', last_name: 'Dompet', phone_number: '081100000000', pin: '246810', role: 'ADMIN', address: 'Jl. Medan Merdeka No. 1, Jakarta' },
    { _id: '01900000-0000-7000-8000-000000000002', first_name: 'Guntur', last_name: 'Saputro', phone_number: '0811255501', pin: '123456', role: 'USER', address: 'Jl. Kebon Sirih No. 1' },
    { _id: '01900000-0000-7000-8000-000000000003', first_name: 'Tom', last_name: 'Araya', phone_number: '0811255502', pin: '654321', role: 'USER', address: 'Jl. Diponegoro No. 215' },
    { _id: '01900000-0000-7000-8000-000000000004', first_name: 'Sari', last_name: 'Wulandari', phone_number: '0812345678', pin: '112233', role: 'USER', address: 'Jl. Malioboro No. 52, Yogyakarta' },
  ];
  const created = at('2021-04-01T22:21:20');
  const users = [];
  for (const p of people) {
    users.push({
      _id: p._id, first_name: p.first_name, last_name: p.last_name, phone_number: p.phone_number, address: p.address,
      pin_hash: await hash(p.pin, { algorithm: 2 }), role: p.role, status: 'ACTIVE', wallet_frozen: false, token_version: 0,
      created_at: created, updated_at: created,
    });
  }
  const phones = people.map((p) => ({ _id: p.phone_number, user_id: p._id, created_at: created }));

  const [, guntur, tom, sari] = people.map((p) => p._id);
  const entries: LedgerEntry[] = [];
  const seq = new Map<string, number>();
  const bal = new Map<string, number>();
  function post(wallet: string, op: string, type: LedgerEntry['entry_type'], dir: 'CREDIT' | 'DEBIT', amount: number, ref: string, remarks: string, cp: string | null, when: string) {
    const s = (seq.get(wallet) ?? 0) + 1;
    const before = bal.get(wallet) ?? 0;
    const after = dir === 'CREDIT' ? before + amount : before - amount;
    seq.set(wallet, s);
    bal.set(wallet, after);
    entries.push({ _id: entryId(wallet, s), wallet_id: wallet, seq: s, page_key: pageKeyOf(wallet, s), op_id: op, entry_type: type, transaction_type: dir, amount, balance_before: before, balance_after: after, remarks, ref_id: ref, counterparty_id: cp, status: 'SUCCESS', created_at: at(when) });
  }
  const topUp1 = '01900000-0001-7000-8000-000000000001';
  const pay1 = '01900000-0002-7000-8000-000000000001';
  const tr1 = '01900000-0003-7000-8000-000000000001';
  const topUp2 = '01900000-0001-7000-8000-000000000002';
  const topUp3 = '01900000-0001-7000-8000-000000000003';
  const pay2 = '01900000-0002-7000-8000-000000000002';
  post(guntur, `TOP_UP:${topUp1}`, 'TOP_UP', 'CREDIT', 500000, topUp1, '', null, '2021-04-01T22:21:21');
  post(guntur, `PAYMENT:${pay1}`, 'PAYMENT', 'DEBIT', 100000, pay1, 'Pulsa Telkomsel 100k', null, '2021-04-01T22:22:00');
  post(guntur, `TRANSFER:${tr1}:DEBIT`, 'TRANSFER_OUT', 'DEBIT', 30000, tr1, 'Hadiah Ultah', tom, '2021-04-01T22:23:20');
  post(tom, `TRANSFER:${tr1}:CREDIT`, 'TRANSFER_IN', 'CREDIT', 30000, tr1, 'Hadiah Ultah', guntur, '2021-04-01T22:23:21');
  post(tom, `TOP_UP:${topUp2}`, 'TOP_UP', 'CREDIT', 250000, topUp2, '', null, '2021-04-02T08:00:00');
  post(sari, `TOP_UP:${topUp3}`, 'TOP_UP', 'CREDIT', 1000000, topUp3, '', null, '2021-04-02T09:15:00');
  post(sari, `PAYMENT:${pay2}`, 'PAYMENT', 'DEBIT', 75000, pay2, 'Token listrik PLN', null, '2021-04-02T09:20:00');

  const transfers = [{ _id: tr1, sender_id: guntur, receiver_id: tom, amount: 30000, remarks: 'Hadiah Ultah', status: 'SUCCESS', failure_reason: null, created_at: at('2021-04-01T22:23:20'), updated_at: at('2021-04-01T22:23:21'), completed_at: at('2021-04-01T22:23:21') }];
  const outcomes = [{ _id: tr1, outcome: 'CREDIT', reason: null, decided_at: at('2021-04-01T22:23:21') }];
  const wallets = [...seq.keys()].map((w) => ({ _id: w, seq: seq.get(w), balance: bal.get(w), updated_at: at('2021-04-02T09:20:00') }));

  const ejson = (v: unknown): unknown =>
    v instanceof Date ? { $date: v.toISOString() } : Array.isArray(v) ? v.map(ejson) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, ejson(x)])) : v;
  const files: Record<string, unknown[]> = { users, user_phones: phones, ledger_entries: entries, wallets, transfers, transfer_outcomes: outcomes };
  for (const [name, docs] of Object.entries(files)) writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(ejson(docs), null, 2)}\n`);
  process.stdout.write(`wrote ${Object.keys(files).length} collections to ${dir}\n`);
}

void main();
