/**
 * The probe's own evidence of the network path: a live probe that connected to a backend
 * proves a path from where it ran. Which path: the deployed probe runs in `deploy.vpc`'s
 * subnets (the backend's own VPC, or another one through peering or a transit gateway);
 * the CLI probes from wherever it runs.
 */
import type { Backend } from "../../scope/index.js";
import type { AuditContext } from "../types.js";
import type { BackendPath } from "./path.js";

function endpointHosts(backend: Backend): string[] {
  switch (backend.kind) {
    case "rds-instance":
      return backend.instance.Endpoint?.Address ? [backend.instance.Endpoint.Address] : [];
    case "rds-cluster":
      return [backend.cluster.Endpoint, backend.cluster.ReaderEndpoint].filter((h): h is string => typeof h === "string");
    case "replication-group":
      return [
        backend.replicationGroup.ConfigurationEndpoint?.Address,
        ...(backend.replicationGroup.NodeGroups ?? []).flatMap((g) => [g.PrimaryEndpoint?.Address, g.ReaderEndpoint?.Address]),
        ...backend.memberClusters.flatMap((c) => (c.CacheNodes ?? []).map((n) => n.Endpoint?.Address)),
      ].filter((h): h is string => typeof h === "string");
    case "cache-cluster":
      return [
        backend.cacheCluster.ConfigurationEndpoint?.Address,
        ...(backend.cacheCluster.CacheNodes ?? []).map((n) => n.Endpoint?.Address),
      ].filter((h): h is string => typeof h === "string");
    case "serverless-cache":
      return [backend.serverlessCache.Endpoint?.Address, backend.serverlessCache.ReaderEndpoint?.Address].filter(
        (h): h is string => typeof h === "string",
      );
  }
}

interface ProbeTarget {
  kind: "postgres" | "mysql" | "redis";
  name: string;
  host: string;
  port: number | undefined;
  connected: boolean;
  error?: string;
}

function probedTargets(ctx: AuditContext, backend: Backend): ProbeTarget[] {
  const { config, observations } = ctx;
  // No probe target in the config (an inventory-only audit): nothing to match for any backend.
  if (config.postgres.length === 0 && config.mysql.length === 0 && config.redis.length === 0) return [];
  const hosts = new Set(endpointHosts(backend).map((h) => h.toLowerCase()));
  const matches = (name: string, host: string) => name === backend.resource.id || hosts.has(host.toLowerCase());
  const out: ProbeTarget[] = [];
  for (const t of config.postgres) {
    const obs = observations.postgres.find((o) => o.target === t.name);
    if (!obs || !matches(t.name, t.connection.host)) continue;
    out.push({
      kind: "postgres",
      name: t.name,
      host: t.connection.host,
      port: t.connection.port,
      connected: !obs.error,
      ...(obs.error ? { error: obs.error.reason } : {}),
    });
  }
  for (const t of config.mysql) {
    const obs = (observations.mysql ?? []).find((o) => o.target === t.name);
    if (!obs || !matches(t.name, t.connection.host)) continue;
    out.push({
      kind: "mysql",
      name: t.name,
      host: t.connection.host,
      port: t.connection.port,
      connected: !obs.error,
      ...(obs.error ? { error: obs.error.reason } : {}),
    });
  }
  for (const t of config.redis) {
    const obs = observations.redis.find((o) => o.target === t.name);
    if (!obs || !matches(t.name, t.endpoint.host)) continue;
    out.push({
      kind: "redis",
      name: t.name,
      host: t.endpoint.host,
      port: t.endpoint.port,
      connected: !obs.error,
      ...(obs.error ? { error: obs.error.reason } : {}),
    });
  }
  return out;
}

/** Evidence of the probe's path to this backend, or undefined when no probe ran against it. */
export function probePath(ctx: AuditContext, path: BackendPath): { text: string; evidence: Record<string, unknown> } | undefined {
  const targets = probedTargets(ctx, path.backend);
  if (targets.length === 0) return undefined;
  const vpc = ctx.config.deploy?.vpc;
  const backendVpcs = [...new Set(path.subnets.map((s) => s.subnet.VpcId).filter((v): v is string => typeof v === "string"))];
  let via: string;
  if (!vpc) via = "from where the CLI ran (the config has no deploy.vpc)";
  else if (backendVpcs.includes(vpc.id))
    via = `from inside ${vpc.id} (subnets ${vpc.subnetIds.join(", ")}), the backend's own VPC, over its local route`;
  else
    via = `from ${vpc.id} (subnets ${vpc.subnetIds.join(", ")}), another VPC than the backend's ${backendVpcs.join(", ") || "(unknown)"}: through peering or a transit gateway`;
  const connected = targets.filter((t) => t.connected);
  const text =
    connected.length > 0
      ? `The probe connected to ${connected.map((t) => `${t.host}:${t.port ?? "?"}`).join(", ")} ${via}.`
      : `The probe could not connect to ${targets.map((t) => `${t.host}:${t.port ?? "?"}`).join(", ")} ${via} (${targets[0]?.error ?? "no answer"}).`;
  return {
    text,
    evidence: { via, ...(vpc ? { probeVpc: vpc.id, probeSubnets: vpc.subnetIds } : {}), targets },
  };
}
