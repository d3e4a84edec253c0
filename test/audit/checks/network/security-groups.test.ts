/**
 * The sg-* checks on in-memory security groups: which rules reach a backend port (protocol
 * spellings, port ranges at their ends, several ports and backends), sources an export
 * leaves empty, one fault reported once, what each FAIL and PASS says and keeps as evidence,
 * and the ERRORs for what was not observed.
 */
import { describe, expect, it } from "vitest";
import type { CheckResult } from "../../../../lib/audit/findings/model.js";
import { ACCOUNT, config, dbInstance, inventory, ok, partition, rule, securityGroup, tcp, verdicts } from "../../../support/builders.js";

const DB_SG = "sg-0000000000000db01";
const WORKERS = "sg-00000000000000a01";
const OTHER = "sg-00000000000000b02";
const PL = "pl-0123456789abcdef0";
const UNCAPTURED = "pl-0aaaaaaaaaaaaaaaa";

const cfg = config({
  targets: { rds: ["queue-db", "queue-cache-db"] },
  network: { allowedCidrs: ["10.20.0.0/16"], allowedSecurityGroups: [WORKERS] },
});

interface Opts {
  /** Backend instances (default: queue-db on 5432). */
  instances?: unknown[];
  group?: Record<string, unknown>;
  prefixLists?: Record<string, { Cidr?: string; Description?: string }[]>;
}

function estate(permissions: unknown[], opts: Opts = {}) {
  return inventory(
    partition({
      dbInstances: ok(opts.instances ?? [dbInstance("queue-db")]),
      securityGroups: ok([securityGroup(DB_SG, permissions, opts.group)]),
      prefixListEntries: Object.fromEntries(Object.entries(opts.prefixLists ?? {}).map(([id, entries]) => [id, ok(entries)])),
    }),
  );
}

const judge = (checkId: string, permissions: unknown[], opts?: Opts) => verdicts(checkId, cfg, estate(permissions, opts));
const said = (checkId: string, permissions: unknown[], opts?: Opts) =>
  judge(checkId, permissions, opts).map((r: CheckResult) => `${r.status}${r.subject ? ` ${r.subject}` : ""}`);

/** A second instance on another port, behind the same group. */
const onPort = (id: string, port: number) => dbInstance(id, { Endpoint: { Address: `${id}.example`, Port: port } });

describe("which security group rules reach the backend port", () => {
  it("reads the protocol as hand-made exports spell it: TCP, 6 or -1 as numbers, ALL", () => {
    const world = { cidrs: ["0.0.0.0/0"] };
    expect(said("sg-world-ingress", [rule("TCP", 5432, 5432, world)])).toEqual(["FAIL 0.0.0.0/0 tcp 5432"]);
    expect(said("sg-world-ingress", [rule(6 as unknown as string, 5432, 5432, world)])).toEqual(["FAIL 0.0.0.0/0 tcp 5432"]);
    expect(said("sg-world-ingress", [rule(-1 as unknown as string, undefined, undefined, world)])).toEqual(["FAIL 0.0.0.0/0 all 5432"]);
    expect(said("sg-world-ingress", [rule("ALL", undefined, undefined, world)])).toEqual(["FAIL 0.0.0.0/0 all 5432"]);
    expect(said("sg-all-traffic", [rule("ALL", undefined, undefined, world)])).toEqual(["FAIL 0.0.0.0/0 all"]);
    expect(said("sg-world-ingress", [rule("17", 5432, 5432, world), rule("icmpv6", -1, -1, world)])).toEqual(["PASS"]);
  });

  it("judges a port range at both of its ends", () => {
    const world = { cidrs: ["0.0.0.0/0"] };
    expect(said("sg-world-ingress", [tcp([5432, 6000], world)])).toEqual(["FAIL 0.0.0.0/0 tcp 5432"]);
    expect(said("sg-world-ingress", [tcp([5000, 5432], world)])).toEqual(["FAIL 0.0.0.0/0 tcp 5432"]);
    expect(said("sg-world-ingress", [tcp([5433, 6000], world)])).toEqual(["PASS"]);
    expect(said("sg-world-ingress", [tcp([5000, 5431], world)])).toEqual(["PASS"]);
  });

  it("takes a TCP rule without ports, or with -1, as every port", () => {
    const world = { cidrs: ["0.0.0.0/0"] };
    const [bare] = judge("sg-world-ingress", [rule("tcp", undefined, undefined, world)]);
    expect(bare?.subject).toBe("0.0.0.0/0 tcp 5432");
    expect(bare?.evidence.rule).toStrictEqual({ IpProtocol: "tcp" });
    expect(bare?.evidence.ruleText).toBe("tcp all ports");
    const [minus] = judge("sg-world-ingress", [rule("tcp", -1, -1, world)]);
    expect(minus?.subject).toBe("0.0.0.0/0 tcp 5432");
    expect(minus?.evidence.rule).toStrictEqual({ IpProtocol: "tcp", FromPort: -1, ToPort: -1 });
    expect(minus?.evidence.ruleText).toBe("tcp all ports");
    const half = { ...rule("tcp", 7000, 7000, world), ToPort: undefined };
    expect(said("sg-world-ingress", [half])).toEqual(["FAIL 0.0.0.0/0 tcp 5432"]);
    const otherHalf = { ...rule("tcp", 7000, 7000, world), FromPort: undefined };
    expect(said("sg-world-ingress", [otherHalf])).toEqual(["FAIL 0.0.0.0/0 tcp 5432"]);
  });

  it("takes an all-protocols rule as every port, whatever port range a hand-made export gives it", () => {
    const world = { cidrs: ["0.0.0.0/0"] };
    expect(said("sg-world-ingress", [rule("-1", 22, 22, world)])).toEqual(["FAIL 0.0.0.0/0 all 5432"]);
    expect(said("sg-all-traffic", [rule("-1", 22, 22, world)])).toEqual(["FAIL 0.0.0.0/0 all"]);
  });

  it("judges every port of every backend the group guards, and names only the backends on that port", () => {
    const instances = [onPort("queue-cache-db", 6379), dbInstance("queue-db")];
    const results = judge(
      "sg-world-ingress",
      [tcp(6379, { cidrs: ["0.0.0.0/0"] }), rule("-1", undefined, undefined, { cidrs6: ["::/0"] })],
      {
        instances,
      },
    );
    expect(results.map((r) => r.subject)).toEqual(["0.0.0.0/0 tcp 6379", "::/0 all 5432", "::/0 all 6379"]);
    expect(results[0]?.message).toBe(`${DB_SG} admits 0.0.0.0/0 to port 6379 of queue-cache-db: remove the rule.`);
    expect(results[0]?.evidence.backends).toEqual(["queue-cache-db"]);
    const [pass] = judge("sg-world-ingress", [tcp([5432, 6379], { cidrs: ["10.20.0.0/16"] })], { instances });
    expect(pass?.message).toBe(`${DB_SG} admits no world CIDR to queue-cache-db (6379), queue-db (5432).`);
    expect(pass?.evidence).toEqual({ ports: [5432, 6379], guards: ["queue-cache-db", "queue-db"], sourcesReachingPorts: 2 });
  });

  it("names every backend on one port in one message", () => {
    const instances = [dbInstance("queue-db"), dbInstance("queue-cache-db")];
    const [r] = judge("sg-unapproved-cidr", [tcp(5432, { cidrs: ["198.51.100.0/24"] })], { instances });
    expect(r?.message).toBe(
      `${DB_SG} admits 198.51.100.0/24, which is outside the approved networks, to port 5432 of queue-db, queue-cache-db.`,
    );
    expect(r?.evidence.backends).toEqual(["queue-db", "queue-cache-db"]);
  });

  it("skips sources an export leaves empty", () => {
    const empty = {
      IpProtocol: "tcp",
      FromPort: 5432,
      ToPort: 5432,
      IpRanges: [{ Description: "no cidr" }],
      Ipv6Ranges: [{ Description: "no cidr" }],
      UserIdGroupPairs: [{ UserId: ACCOUNT }],
      PrefixListIds: [{ Description: "no id" }, { PrefixListId: PL }],
    };
    const prefixLists = { [PL]: [{ Description: "no cidr" }] };
    for (const checkId of ["sg-world-ingress", "sg-unapproved-cidr", "sg-unapproved-source-group"]) {
      const [r] = judge(checkId, [empty], { prefixLists });
      expect([checkId, r?.status, r?.evidence.sourcesReachingPorts]).toEqual([checkId, "PASS", 0]);
    }
    expect(said("sg-all-traffic", [{ ...empty, IpProtocol: "-1" }], { prefixLists })).toEqual(["PASS"]);
  });
});

describe("one fault is reported once", () => {
  it("the same CIDR in two TCP rules, or in a rule and a prefix list, to one port", () => {
    const perms = [tcp(5432, { cidrs: ["198.51.100.0/24"] }), tcp([5000, 6000], { cidrs: ["198.51.100.0/24"], prefixLists: [PL] })];
    const results = judge("sg-unapproved-cidr", perms, { prefixLists: { [PL]: [{ Cidr: "198.51.100.0/24" }] } });
    expect(results.map((r) => r.subject)).toEqual(["198.51.100.0/24 tcp 5432"]);
    expect(results[0]?.evidence.ruleText).toBe("tcp 5432");
  });

  it("but a TCP rule and an all-traffic rule from the world are two, and a third rule repeating either adds nothing", () => {
    const world = { cidrs: ["0.0.0.0/0"] };
    const perms = [
      tcp(5432, world),
      rule("-1", undefined, undefined, world),
      tcp([5400, 5500], world),
      rule("-1", undefined, undefined, world),
    ];
    expect(said("sg-world-ingress", perms)).toEqual(["FAIL 0.0.0.0/0 tcp 5432", "FAIL 0.0.0.0/0 all 5432"]);
    expect(said("sg-all-traffic", perms)).toEqual(["FAIL 0.0.0.0/0 all"]);
  });

  it("a source on two ports by TCP and by an all-traffic rule is four faults, and repeating any of them adds nothing", () => {
    const instances = [onPort("queue-cache-db", 6379), dbInstance("queue-db")];
    const world = { cidrs: ["0.0.0.0/0"] };
    const perms = [
      tcp([5000, 7000], world),
      rule("-1", undefined, undefined, world),
      tcp(6379, world),
      rule("-1", undefined, undefined, world),
    ];
    expect(said("sg-world-ingress", perms, { instances })).toEqual([
      "FAIL 0.0.0.0/0 tcp 5432",
      "FAIL 0.0.0.0/0 tcp 6379",
      "FAIL 0.0.0.0/0 all 5432",
      "FAIL 0.0.0.0/0 all 6379",
    ]);
  });

  it("the same group id in two accounts is two sources", () => {
    const perms = [tcp(5432, { groups: [OTHER, { GroupId: OTHER, UserId: "999988887777" }, OTHER] })];
    expect(said("sg-unapproved-source-group", perms)).toEqual([`FAIL ${OTHER} tcp 5432`, `FAIL 999988887777/${OTHER} tcp 5432`]);
  });

  it("a group with thirty sources still counts each once, wherever a repeat comes", () => {
    const cidrs = Array.from({ length: 30 }, (_, i) => `198.51.100.${i}/32`);
    const perms = [
      tcp(5432, { cidrs: cidrs.slice(0, 10) }),
      tcp(5432, { cidrs: [cidrs[3] as string] }),
      tcp(5432, { cidrs: cidrs.slice(10) }),
      rule("-1", undefined, undefined, { cidrs: [cidrs[3] as string, cidrs[25] as string, "203.0.113.7/32"] }),
      tcp([5000, 6000], { cidrs: [cidrs[25] as string, cidrs[0] as string] }),
    ];
    expect(said("sg-unapproved-cidr", perms)).toEqual([
      ...cidrs.map((c) => `FAIL ${c} tcp 5432`),
      `FAIL ${cidrs[3]} all 5432`,
      `FAIL ${cidrs[25]} all 5432`,
      "FAIL 203.0.113.7/32 all 5432",
    ]);
  });

  it("the same source on two ports is two", () => {
    const instances = [onPort("queue-cache-db", 6379), dbInstance("queue-db")];
    expect(said("sg-unapproved-source-group", [rule("-1", undefined, undefined, { groups: [OTHER] })], { instances })).toEqual([
      `FAIL ${OTHER} all 5432`,
      `FAIL ${OTHER} all 6379`,
    ]);
  });
});

describe("what the sg-* FAILs say and keep", () => {
  it("sg-world-ingress: the prefix list a world CIDR came through, and the entry's description", () => {
    const [r] = judge("sg-world-ingress", [tcp(5432, { prefixLists: [PL] })], {
      prefixLists: { [PL]: [{ Cidr: "0.0.0.0/0", Description: "everyone" }] },
    });
    expect(r?.message).toBe(`${DB_SG} admits 0.0.0.0/0 (through prefix list ${PL}) to port 5432 of queue-db: remove the rule.`);
    expect(r?.evidence).toStrictEqual({
      source: "0.0.0.0/0",
      port: 5432,
      rule: { IpProtocol: "tcp", FromPort: 5432, ToPort: 5432 },
      ruleText: "tcp 5432",
      backends: ["queue-db"],
      prefixListId: PL,
      description: "everyone",
    });
  });

  it("sg-world-ingress: a rule's own range, without prefix list or description", () => {
    const [r] = judge("sg-world-ingress", [tcp([5000, 6000], { cidrs6: ["::/0"] })]);
    expect(r?.message).toBe(`${DB_SG} admits ::/0 to port 5432 of queue-db: remove the rule.`);
    expect(r?.evidence).toStrictEqual({
      source: "::/0",
      port: 5432,
      rule: { IpProtocol: "tcp", FromPort: 5000, ToPort: 6000 },
      ruleText: "tcp 5000-6000",
      backends: ["queue-db"],
    });
  });

  it("sg-unapproved-cidr: the range, its prefix list and description, and the approved networks", () => {
    const [r] = judge("sg-unapproved-cidr", [rule("-1", undefined, undefined, { prefixLists: [PL] })], {
      prefixLists: { [PL]: [{ Cidr: "198.51.100.0/24", Description: "office" }] },
    });
    expect(r?.subject).toBe("198.51.100.0/24 all 5432");
    expect(r?.message).toBe(
      `${DB_SG} admits 198.51.100.0/24 (through prefix list ${PL}), which is outside the approved networks, to port 5432 of queue-db.`,
    );
    expect(r?.evidence).toStrictEqual({
      source: "198.51.100.0/24",
      port: 5432,
      rule: { IpProtocol: "-1" },
      ruleText: "all protocols and ports",
      backends: ["queue-db"],
      allowedCidrs: ["10.20.0.0/16"],
      prefixListId: PL,
      description: "office",
    });
  });

  it("sg-unapproved-cidr: a rule's description is kept, and no prefix list is named", () => {
    const perm = { ...tcp(5432, {}), IpRanges: [{ CidrIp: "198.51.100.0/24", Description: "vendor" }] };
    const [r] = judge("sg-unapproved-cidr", [perm]);
    expect(r?.message).toBe(`${DB_SG} admits 198.51.100.0/24, which is outside the approved networks, to port 5432 of queue-db.`);
    expect(r?.evidence.description).toBe("vendor");
    expect(r?.evidence).not.toHaveProperty("prefixListId");
  });

  it("sg-unapproved-source-group: the group, its account when another, the rule and the description", () => {
    const perm = { ...tcp(5432, {}), UserIdGroupPairs: [{ GroupId: OTHER, UserId: "999988887777", Description: "partner" }] };
    const [r] = judge("sg-unapproved-source-group", [perm]);
    expect(r?.message).toBe(
      `${DB_SG} admits members of ${OTHER} in account 999988887777, which is not an approved group, to port 5432 of queue-db.`,
    );
    expect(r?.evidence).toStrictEqual({
      sourceGroup: OTHER,
      sourceAccount: "999988887777",
      otherAccount: true,
      port: 5432,
      rule: { IpProtocol: "tcp", FromPort: 5432, ToPort: 5432 },
      ruleText: "tcp 5432",
      backends: ["queue-db"],
      description: "partner",
    });
  });

  it("sg-unapproved-source-group: a group of the same account, or of an account not given, is not another account", () => {
    const [same] = judge("sg-unapproved-source-group", [tcp(5432, { groups: [OTHER] })]);
    expect(same?.message).toBe(`${DB_SG} admits members of ${OTHER}, which is not an approved group, to port 5432 of queue-db.`);
    expect(same?.evidence).toStrictEqual({
      sourceGroup: OTHER,
      sourceAccount: ACCOUNT,
      otherAccount: false,
      port: 5432,
      rule: { IpProtocol: "tcp", FromPort: 5432, ToPort: 5432 },
      ruleText: "tcp 5432",
      backends: ["queue-db"],
    });
    const bare = { ...tcp(5432, {}), UserIdGroupPairs: [{ GroupId: OTHER }] };
    const [noAccount] = judge("sg-unapproved-source-group", [bare]);
    expect(noAccount?.subject).toBe(`${OTHER} tcp 5432`);
    expect(noAccount?.evidence.otherAccount).toBe(false);
    expect(noAccount?.evidence).not.toHaveProperty("sourceAccount");
    // A group whose own account is not recorded cannot tell another account apart.
    const [unknownOwner] = judge("sg-unapproved-source-group", [tcp(5432, { groups: [{ GroupId: OTHER, UserId: "999988887777" }] })], {
      group: { OwnerId: undefined },
    });
    expect(unknownOwner?.subject).toBe(`${OTHER} tcp 5432`);
    expect(unknownOwner?.evidence.otherAccount).toBe(false);
  });

  it("sg-unapproved-source-group: the group itself is no violation, written with or without an account, or when its owner is not recorded", () => {
    const bareSelf = { ...tcp(5432, {}), UserIdGroupPairs: [{ GroupId: DB_SG }] };
    expect(said("sg-unapproved-source-group", [bareSelf])).toEqual(["PASS"]);
    expect(
      said("sg-unapproved-source-group", [tcp(5432, { groups: [{ GroupId: DB_SG, UserId: "999988887777" }] })], {
        group: { OwnerId: undefined },
      }),
    ).toEqual(["PASS"]);
    expect(said("sg-all-traffic", [rule("-1", undefined, undefined, { groups: [{ GroupId: DB_SG, UserId: "999988887777" }] })])).toEqual([
      `FAIL 999988887777/${DB_SG} all`,
    ]);
  });

  it("sg-unapproved-source-group: an empty account in an export is no account: the group itself stays itself, another group is not of another account", () => {
    const pair = (GroupId: string) => ({ ...tcp(5432, {}), UserIdGroupPairs: [{ GroupId, UserId: "" }] });
    expect(said("sg-unapproved-source-group", [pair(DB_SG)])).toEqual(["PASS"]);
    const [r] = judge("sg-unapproved-source-group", [pair(OTHER)]);
    expect(r?.message).toBe(`${DB_SG} admits members of ${OTHER}, which is not an approved group, to port 5432 of queue-db.`);
    expect(r?.evidence).toMatchObject({ sourceGroup: OTHER, otherAccount: false });
    expect(r?.evidence).not.toHaveProperty("sourceAccount");
  });

  it("sg-all-traffic: the source, its kind, the rule, its prefix list and account", () => {
    const [viaList] = judge("sg-all-traffic", [rule("-1", undefined, undefined, { prefixLists: [PL] })], {
      prefixLists: { [PL]: [{ Cidr: "10.20.4.0/24" }] },
    });
    expect(viaList?.subject).toBe("10.20.4.0/24 all");
    expect(viaList?.message).toBe(
      `${DB_SG} allows all protocols and ports from 10.20.4.0/24 (prefix list ${PL}): narrow it to the backend's TCP port.`,
    );
    expect(viaList?.evidence).toStrictEqual({ source: "10.20.4.0/24", sourceKind: "cidr", rule: { IpProtocol: "-1" }, prefixListId: PL });
    const [group] = judge("sg-all-traffic", [rule("-1", undefined, undefined, { groups: [{ GroupId: OTHER, UserId: "999988887777" }] })]);
    expect(group?.message).toBe(`${DB_SG} allows all protocols and ports from ${OTHER}: narrow it to the backend's TCP port.`);
    expect(group?.evidence).toStrictEqual({
      source: OTHER,
      sourceKind: "group",
      rule: { IpProtocol: "-1" },
      sourceAccount: "999988887777",
    });
  });
});

describe("what the sg-* PASSes say", () => {
  it("each check names the group and what it guards", () => {
    const perms = [tcp(5432, { cidrs: ["10.20.4.0/24"], groups: [WORKERS] })];
    const message = (checkId: string) => judge(checkId, perms)[0]?.message;
    expect(message("sg-world-ingress")).toBe(`${DB_SG} admits no world CIDR to queue-db (5432).`);
    expect(message("sg-unapproved-cidr")).toBe(`Every CIDR that ${DB_SG} admits to queue-db (5432) is inside an approved network.`);
    expect(message("sg-unapproved-source-group")).toBe(`Every security group that ${DB_SG} admits to queue-db (5432) is approved.`);
    expect(message("sg-all-traffic")).toBe(`${DB_SG} has no all-traffic rule from a source other than itself.`);
    const [r] = judge("sg-unapproved-source-group", perms);
    expect(r?.evidence).toStrictEqual({
      ports: [5432],
      guards: ["queue-db"],
      sourcesReachingPorts: 2,
      approvedSources: [{ group: WORKERS, reason: "listed in network.allowedSecurityGroups" }],
    });
  });

  it("sg-unapproved-source-group keeps no approved sources when the group admits no group", () => {
    const [r] = judge("sg-unapproved-source-group", [tcp(5432, { cidrs: ["10.20.4.0/24"] })]);
    expect(r?.status).toBe("PASS");
    expect(r?.evidence).toStrictEqual({ ports: [5432], guards: ["queue-db"], sourcesReachingPorts: 1 });
  });

  it("sg-unapproved-source-group names every probe group among the approved ones", () => {
    const PROBE_2 = "sg-00000000000000c03";
    const c = config({ targets: { rds: ["queue-db"] }, deploy: { probeSecurityGroupIds: [OTHER, PROBE_2] } });
    const [r] = verdicts("sg-unapproved-source-group", c, estate([tcp(5432, { groups: [OTHER, PROBE_2] })]));
    expect(r?.message).toBe(
      `Every security group that ${DB_SG} admits to queue-db (5432) is approved (${OTHER}, ${PROBE_2}: the auditor's probe).`,
    );
  });

  it("names every port of a backend that listens on two", () => {
    const c = config({ targets: { elasticache: ["jobs-serverless"] }, network: { allowedCidrs: ["10.20.0.0/16"] } });
    const cache = {
      ServerlessCacheName: "jobs-serverless",
      Engine: "valkey",
      Endpoint: { Address: "jobs-serverless.example", Port: 6379 },
      ReaderEndpoint: { Address: "reader.jobs-serverless.example", Port: 6380 },
      SubnetIds: ["subnet-00000000000000a01"],
      SecurityGroupIds: [DB_SG],
    };
    const inv = inventory(partition({ serverlessCaches: ok([cache]), securityGroups: ok([securityGroup(DB_SG, [])]) }));
    const [r] = verdicts("sg-world-ingress", c, inv);
    expect(r?.message).toBe(`${DB_SG} admits no world CIDR to jobs-serverless (6379, 6380).`);
  });

  it("an approved group is approved for the reason network.allowedSecurityGroups gives, even when it is also a probe's", () => {
    const c = config({
      targets: { rds: ["queue-db"] },
      network: { allowedSecurityGroups: [WORKERS] },
      deploy: { probeSecurityGroupIds: [WORKERS] },
    });
    const [r] = verdicts("sg-unapproved-source-group", c, estate([tcp(5432, { groups: [WORKERS] })]));
    expect(r?.message).toBe(`Every security group that ${DB_SG} admits to queue-db (5432) is approved.`);
    expect(r?.evidence.approvedSources).toEqual([{ group: WORKERS, reason: "listed in network.allowedSecurityGroups" }]);
  });
});

describe("the sg-* ERRORs", () => {
  it("a prefix list not captured on a rule that reaches the port: an ERROR naming the list and the rule", () => {
    const [r] = judge("sg-unapproved-cidr", [tcp([5000, 6000], { prefixLists: [UNCAPTURED] })]);
    expect(r?.status).toBe("ERROR");
    expect(r?.subject).toBe(UNCAPTURED);
    expect(r?.message).toContain(`Could not evaluate what prefix list ${UNCAPTURED} admits (tcp 5000-6000)`);
  });

  it("a prefix list not captured on a rule that reaches no port is no ERROR for the port checks, nor a TCP one for sg-all-traffic", () => {
    expect(said("sg-world-ingress", [tcp(22, { prefixLists: [UNCAPTURED] })])).toEqual(["PASS"]);
    expect(said("sg-all-traffic", [tcp(5432, { prefixLists: [UNCAPTURED] })])).toEqual(["PASS"]);
    const [all] = judge("sg-all-traffic", [rule("-1", undefined, undefined, { prefixLists: [UNCAPTURED] })]);
    expect(all?.status).toBe("ERROR");
    expect(all?.message).toContain(`what prefix list ${UNCAPTURED} admits (all protocols and ports)`);
  });

  it("a backend whose port is not known: an ERROR for the port checks (every rule may reach it), none for sg-all-traffic", () => {
    const unknown = dbInstance("queue-db", { Endpoint: { Address: "queue-db.example" }, DbInstancePort: 0 });
    const results = judge("sg-world-ingress", [tcp(22, { prefixLists: [UNCAPTURED] })], { instances: [unknown] });
    expect(results.map((r) => [r.status, r.subject])).toEqual([
      ["ERROR", UNCAPTURED],
      ["ERROR", "port of queue-db"],
    ]);
    expect(results[1]?.message).toBe(
      "Could not evaluate which rules reach queue-db: the endpoint port of queue-db is not in the inventory (queue-db).",
    );
    expect(results[1]?.cause).toEqual({
      source: "queue-db",
      reason: "the endpoint port of queue-db is not in the inventory",
      code: "PortUnknown",
      account: ACCOUNT,
      region: "eu-west-1",
    });
    for (const checkId of ["sg-unapproved-cidr", "sg-unapproved-source-group"]) {
      expect([checkId, ...said(checkId, [tcp(22, { groups: [WORKERS] })], { instances: [unknown] })]).toEqual([
        checkId,
        "ERROR port of queue-db",
      ]);
    }
    expect(said("sg-all-traffic", [tcp(22, { cidrs: ["0.0.0.0/0"] })], { instances: [unknown] })).toEqual(["PASS"]);
    const [pass] = judge("sg-all-traffic", [], { instances: [unknown] });
    expect(pass?.message).toBe(`${DB_SG} has no all-traffic rule from a source other than itself.`);
  });

  it("a group attached to the backend but not described: an ERROR for every sg-* check", () => {
    const instances = [dbInstance("queue-db", { VpcSecurityGroups: [{ VpcSecurityGroupId: "sg-0000000000000dead", Status: "active" }] })];
    for (const checkId of ["sg-world-ingress", "sg-unapproved-cidr", "sg-unapproved-source-group", "sg-all-traffic"]) {
      const results = judge(checkId, [], { instances });
      expect(results.map((r) => [r.status, r.resource.id])).toEqual([["ERROR", "sg-0000000000000dead"]]);
      expect(results[0]?.message).toContain("Could not evaluate the ingress rules of sg-0000000000000dead");
    }
  });
});
