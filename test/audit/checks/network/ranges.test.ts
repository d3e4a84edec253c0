/**
 * The address arithmetic under the network checks: CIDRs as address ranges, what is left of
 * a set of addresses after an entry decides part of it, and which CIDRs count as the world.
 */
import { describe, expect, it } from "vitest";
import { cidrAllowList, cidrWithin, isWorld } from "../../../../lib/audit/checks/network/cidr.js";
import { cidrRange, fullSet, intersect, isEmpty, size, subtract, subtractAll } from "../../../../lib/audit/checks/network/ranges.js";
import { config, dbInstance, inventory, ok, partition, securityGroup, tcp, verdicts } from "../../../support/builders.js";

describe("CIDRs as address ranges", () => {
  it("gives an IPv4 block its first and last address", () => {
    expect(cidrRange("10.20.0.0/16")).toEqual({ family: 4, range: [0x0a140000n, 0x0a14ffffn] });
    expect(cidrRange("198.51.100.7/32")).toEqual({ family: 4, range: [0xc6336407n, 0xc6336407n] });
    expect(cidrRange("0.0.0.0/0")).toEqual({ family: 4, range: [0n, 2n ** 32n - 1n] });
  });

  it("starts a block written with host bits set at its network address", () => {
    expect(cidrRange("10.20.5.7/16")).toEqual({ family: 4, range: [0x0a140000n, 0x0a14ffffn] });
  });

  it("gives an IPv6 block its range in the IPv6 space", () => {
    const first = 0x20010db8n << 96n;
    expect(cidrRange("2001:db8::/32")).toEqual({ family: 6, range: [first, first + 2n ** 96n - 1n] });
    expect(cidrRange("::/0")).toEqual({ family: 6, range: [0n, 2n ** 128n - 1n] });
  });

  it("gives nothing for what is not a CIDR", () => {
    expect(cidrRange("10.20.0.0")).toBeUndefined();
    expect(cidrRange("")).toBeUndefined();
  });

  it("starts each family with all of its addresses", () => {
    expect(fullSet(4)).toEqual([[0n, 2n ** 32n - 1n]]);
    expect(fullSet(6)).toEqual([[0n, 2n ** 128n - 1n]]);
  });
});

describe("sets of addresses", () => {
  it("subtracting a range from itself leaves nothing", () => {
    expect(subtract([[5n, 10n]], [5n, 10n])).toEqual([]);
    expect(isEmpty(subtract([[5n, 10n]], [0n, 20n]))).toBe(true);
  });

  it("a range touching the subtracted one at an end loses exactly that address", () => {
    expect(subtract([[0n, 10n]], [10n, 12n])).toEqual([[0n, 9n]]);
    expect(subtract([[5n, 10n]], [0n, 5n])).toEqual([[6n, 10n]]);
  });

  it("subtracting the middle leaves both ends, and a disjoint range changes nothing", () => {
    expect(subtract([[0n, 10n]], [3n, 4n])).toEqual([
      [0n, 2n],
      [5n, 10n],
    ]);
    expect(subtract([[0n, 4n]], [5n, 9n])).toEqual([[0n, 4n]]);
    expect(subtract([[0n, 4n]], [7n, 9n])).toEqual([[0n, 4n]]);
    expect(subtract([[8n, 9n]], [0n, 5n])).toEqual([[8n, 9n]]);
    expect(subtract([[6n, 9n]], [0n, 5n])).toEqual([[6n, 9n]]);
  });

  it("subtracts several ranges one after another", () => {
    expect(
      subtractAll(
        [[0n, 100n]],
        [
          [10n, 19n],
          [50n, 100n],
        ],
      ),
    ).toEqual([
      [0n, 9n],
      [20n, 49n],
    ]);
  });

  it("intersects down to a single shared address, and to nothing when apart", () => {
    expect(intersect([[0n, 10n]], [10n, 20n])).toEqual([[10n, 10n]]);
    expect(intersect([[15n, 30n]], [10n, 20n])).toEqual([[15n, 20n]]);
    expect(intersect([[0n, 9n]], [10n, 20n])).toEqual([]);
  });

  it("counts the addresses of a set", () => {
    expect(
      size([
        [0n, 0n],
        [10n, 19n],
      ]),
    ).toBe(11n);
    expect(size([])).toBe(0n);
    expect(isEmpty([])).toBe(true);
    expect(isEmpty([[1n, 1n]])).toBe(false);
  });
});

describe("the world and the approved ranges", () => {
  it("takes any /0 as the world, however it is written, and nothing else", () => {
    expect(isWorld("0.0.0.0/0")).toBe(true);
    expect(isWorld("::/0")).toBe(true);
    expect(isWorld("10.0.0.0/0")).toBe(true);
    expect(isWorld("0.0.0.0/1")).toBe(false);
    expect(isWorld("0.0.0.0")).toBe(false);
  });

  it("finds nothing inside or around what is not a CIDR", () => {
    expect(cidrWithin("10.20.5.0", "10.20.0.0/16")).toBe(false);
    expect(cidrWithin("10.20.5.0/24", "10.20.0.0")).toBe(false);
    expect(cidrWithin("2001:db8::/32", "10.20.0.0/16")).toBe(false);
  });

  it("a wider block is not within a narrower one, even written from an address inside it", () => {
    expect(cidrWithin("10.20.0.0/8", "10.20.0.0/16")).toBe(false);
    expect(cidrWithin("10.20.0.0/16", "10.20.0.0/16")).toBe(true);
  });

  it("answers which approved block holds a CIDR, the same on every question", () => {
    const approved = ["10.20.0.0/16", "2001:db8::/32"];
    const allowedBy = cidrAllowList(approved);
    expect(allowedBy("10.20.5.0/24")).toBe("10.20.0.0/16");
    expect(allowedBy("2001:db8:1::/48")).toBe("2001:db8::/32");
    expect(allowedBy("10.21.0.0/24")).toBeUndefined();
    expect(allowedBy("10.20.5.0/24")).toBe("10.20.0.0/16");
    expect(cidrAllowList(approved)("10.21.0.0/24")).toBeUndefined();
    expect(cidrAllowList(approved)("10.20.9.0/24")).toBe("10.20.0.0/16");
  });

  it("reports a security group source that is not a CIDR (a hand-edited export) as unapproved, never as the world", () => {
    const cfg = config({ targets: { rds: ["queue-db"] }, network: { allowedCidrs: ["10.20.0.0/16"] } });
    const inv = inventory(
      partition({
        dbInstances: ok([dbInstance("queue-db")]),
        securityGroups: ok([securityGroup("sg-0000000000000db01", [tcp(5432, { cidrs: ["203.0.113.9"] })])]),
      }),
    );
    expect(verdicts("sg-world-ingress", cfg, inv).map((r) => r.status)).toEqual(["PASS"]);
    expect(verdicts("sg-unapproved-cidr", cfg, inv).map((r) => [r.status, r.subject])).toEqual([["FAIL", "203.0.113.9 tcp 5432"]]);
  });
});
