import { AnnouncedSlots, doorbellKey, ringMessage, ringsOf } from './ledger-doorbell';

const idsOf = (message: string) => ringsOf(message).map((r) => r.id);

describe('doorbell messages', () => {
  const key = doorbellKey('a secret of this deployment, 32 characters or more');
  const running = [500, 100, 1, 0, 1, 0, 0, 0, 0];

  it('carries the ids, and the announced slots of a message signed with the key', () => {
    const message = ringMessage([{ id: 'w1', ledger: { seq: 7, balance: 400, running } }, { id: 'w2', events: { seq: 3 } }, { id: 'w3' }], key);
    expect(idsOf(message)).toEqual(['w1', 'w2', 'w3']);
    expect(ringsOf(message, key)).toEqual([{ id: 'w1', ledger: { seq: 7, balance: 400, running } }, { id: 'w2', events: { seq: 3 } }, { id: 'w3' }]);
  });

  it('keeps only the ids of a message that is unsigned, signed with another key, or altered', () => {
    const signed = ringMessage([{ id: 'w1', ledger: { seq: 7, balance: 400, running } }], key);
    const forged = ringMessage([{ id: 'w1', ledger: { seq: 7, balance: 1_000_000, running } }], doorbellKey('another deployment secret of 32+ characters'));
    const altered = signed.replace(',400,', ',1000000,');
    for (const message of [forged, altered, signed.slice(signed.indexOf(' ') + 1), 'w1 w2']) {
      expect(ringsOf(message, key).every((r) => r.ledger === undefined && r.events === undefined)).toBe(true);
      expect(idsOf(message)[0]).toBe('w1');
    }
  });
});

describe('AnnouncedSlots', () => {
  it('keeps the furthest slot announced per id and gives it only beyond what the caller knows', () => {
    const slots = new AnnouncedSlots('ledger');
    slots.note('w', { seq: 5, balance: 50 });
    slots.note('w', { seq: 3, balance: 30 });
    expect(slots.beyond('w', 4)).toEqual({ seq: 5, balance: 50 });
    expect(slots.beyond('w', 5)).toBeUndefined();
    expect(slots.beyond('other', 0)).toBeUndefined();
  });
});
