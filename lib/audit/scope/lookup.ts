/**
 * Scope lookups by account, region and id, for code that starts from a finding and needs
 * the backend or security group behind it (fix builders: an estate has thousands of FAILs,
 * and a scan of every backend for each would grow with the square of the estate). Built
 * once per scope; each answer is the first match in scope order, as a scan would find it.
 */
import type { Backend, Scope, ScopedSecurityGroup } from "./types.js";

interface Place {
  id: string;
  account?: string;
  region?: string;
}

interface Index {
  backends: Map<string, Backend[]>;
  securityGroups: Map<string, ScopedSecurityGroup[]>;
}

const indexes = new WeakMap<Scope, Index>();

const keyOf = (id: string, account: string | undefined, region: string | undefined) => `${account ?? ""}\u0000${region ?? ""}\u0000${id}`;

function add<T>(map: Map<string, T[]>, key: string, value: T) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function indexOf(scope: Scope): Index {
  let index = indexes.get(scope);
  if (!index) {
    index = { backends: new Map(), securityGroups: new Map() };
    for (const b of scope.backends) add(index.backends, keyOf(b.resource.id, b.resource.account, b.resource.region), b);
    for (const g of scope.securityGroups) add(index.securityGroups, keyOf(g.groupId, g.partition.account, g.partition.region), g);
    indexes.set(scope, index);
  }
  return index;
}

/** The first backend in scope with this resource id, account and region that `is` accepts. */
export function backendAt<B extends Backend>(scope: Scope, place: Place, is: (b: Backend) => b is B): B | undefined {
  return indexOf(scope)
    .backends.get(keyOf(place.id, place.account, place.region))
    ?.find(is);
}

/** The in-scope security group with this id in this account and region. */
export function securityGroupAt(scope: Scope, place: Place): ScopedSecurityGroup | undefined {
  return indexOf(scope).securityGroups.get(keyOf(place.id, place.account, place.region))?.[0];
}
