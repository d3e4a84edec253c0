#!/usr/bin/env bash
# export-inventory.sh [--since ISO8601] DIR [SECRET_NAME_OR_ARN...]
#
# Captures one account and region (the credentials' own) as an offline inventory for
# `queue-auditor audit --inventory DIR`, with the AWS CLI alone. See docs/offline-inventory.md.
#
# - Region: AWS_REGION, else AWS_DEFAULT_REGION, else `aws configure get region`; it fails
#   when none is set, and passes --region to every call, so meta.json and the data agree.
# - AWS CLI: v2 2.1.0 or later (v1: 1.19.0 or later). Serverless caches need a CLI that knows
#   `elasticache describe-serverless-caches` (v2 2.13.38 / v1 1.31.0 or later); an optional
#   call this CLI does not know is skipped with a message, and recorded in meta.json.
# - Each file is written to a temporary name and renamed when the call succeeds; a failed
#   call leaves no file, is recorded in meta.json's notCaptured (the audit reports it as an
#   ERROR), and makes the script exit 1 after capturing the rest.
# - meta.json is written last: without it, the audit treats the capture as unfinished.
# - --since ISO8601 also captures the PostgreSQL log events (for `logs:` in the config) of
#   every PostgreSQL instance and cluster from that time until now, with the same filter
#   pattern as the live audit, into logs-filter-log-events/LOG_GROUP.json; meta.json then
#   carries logsSince. Reading the time needs GNU date (or gdate).
set -euo pipefail

usage="usage: export-inventory.sh [--since ISO8601] DIR [SECRET_NAME_OR_ARN...]"
since=""
if [ "${1:-}" = --since ]; then
  since=${2:?$usage}
  shift 2
fi
dir=${1:?$usage}
shift

# The filter pattern of lib/audit/inventory/aws/logs.ts (POSTGRES_ACCESS_FILTER).
LOG_FILTER='?"authentication failed" ?"pg_hba.conf" ?"connection authorized" ?"permission denied" ?"AUDIT:" ?"does not exist"'
if [ -n "$since" ]; then
  gnu_date=date
  if ! date -u -d "@0" +%s >/dev/null 2>&1; then gnu_date=gdate; fi
  since_s=$("$gnu_date" -u -d "$since" +%s 2>/dev/null) || {
    printf 'export-inventory: --since: expected an ISO 8601 time such as 2026-12-06T10:00:00Z, got %s\n' "$since" >&2
    exit 2
  }
  logs_since=$("$gnu_date" -u -d "@$since_s" +%Y-%m-%dT%H:%M:%SZ)
fi

MIN_V2=2.1.0
MIN_V1=1.19.0

say() { printf 'export-inventory: %s\n' "$*" >&2; }

# --- the CLI's version --------------------------------------------------------------------
version_line=$(aws --version 2>&1 || true)
version=$(printf '%s' "$version_line" | sed -n 's|^aws-cli/\([0-9][0-9.]*\).*|\1|p')
if [ -z "$version" ]; then
  say "cannot read the AWS CLI version from 'aws --version' (got: ${version_line:0:80})"
  exit 2
fi
at_least() { # at_least HAVE WANT: true when HAVE >= WANT (dotted numbers)
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -t. -k1,1n -k2,2n -k3,3n | head -n1)" = "$2" ]
}
case $version in
  2.*) minimum=$MIN_V2 ;;
  1.*) minimum=$MIN_V1 ;;
  *) minimum=$MIN_V2 ;;
esac
if ! at_least "$version" "$minimum"; then
  say "AWS CLI $version is too old: need $MIN_V2 or later (v1: $MIN_V1 or later)"
  exit 2
fi

# --- the region, once -----------------------------------------------------------------------
region=${AWS_REGION:-${AWS_DEFAULT_REGION:-}}
if [ -z "$region" ]; then region=$(aws configure get region 2>/dev/null || true); fi
if [ -z "$region" ]; then
  say "no region: set AWS_REGION (or AWS_DEFAULT_REGION, or a region in the AWS CLI config)"
  exit 2
fi

mkdir -p "$dir"
failed=0
not_captured=()

json_string() { printf '"%s"' "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' | tr -d '\000-\037')"; }

record_gap() { # record_gap FILE SOURCE REASON CODE
  not_captured+=("{\"file\": $(json_string "$1"), \"source\": $(json_string "$2"), \"reason\": $(json_string "$3"), \"code\": $(json_string "$4")}")
}

# capture REQUIRED|OPTIONAL FILE SERVICE OPERATION [ARGS...]: one call into FILE, written whole or not at all.
capture() {
  local need=$1 file=$2 service=$3 operation=$4
  shift 4
  local target="$dir/$file" temp errors status=0
  mkdir -p "$(dirname "$target")"
  temp=$(mktemp "$target.tmp.XXXXXX")
  errors=$(mktemp "$dir/.errors.XXXXXX")
  aws "$service" "$operation" "$@" --region "$region" --output json >"$temp" 2>"$errors" </dev/null || status=$?
  if [ "$status" -eq 0 ]; then
    mv -f "$temp" "$target"
    rm -f "$errors"
    return 0
  fi
  rm -f "$temp"
  if [ "$need" = OPTIONAL ] && grep -qi 'invalid choice' "$errors"; then
    say "skipped: this AWS CLI ($version) does not know 'aws $service $operation'; $file is not captured (upgrade the CLI)"
    record_gap "$file" "aws $service $operation${*:+ $*}" "this AWS CLI ($version) does not know the call" UnsupportedByCli
  else
    local first
    first=$(head -n 3 "$errors" | tr '\n' ' ' | tr -d '\000-\037' | tr -s ' ' | sed -e 's/^ //' -e 's/ $//' | cut -c1-300)
    say "failed (exit $status): aws $service $operation → $file not written: $first"
    record_gap "$file" "aws $service $operation${*:+ $*}" "the call failed (exit $status): $first" ExportFailed
    failed=1
  fi
  rm -f "$errors"
  return 0
}

# ids QUERY SERVICE OPERATION [ARGS...]: the values a loop walks, one per line; "None" is text output's nothing.
ids() {
  local query=$1 service=$2 operation=$3
  shift 3
  aws "$service" "$operation" "$@" --region "$region" --output text --query "$query" </dev/null |
    tr -s '\t' '\n' | grep -v -e '^None$' -e '^$' | sort -u || true
}

account=$(aws sts get-caller-identity --region "$region" --query Account --output text </dev/null)

capture REQUIRED ec2-describe-security-groups.json ec2 describe-security-groups
capture REQUIRED rds-describe-db-instances.json rds describe-db-instances
capture REQUIRED rds-describe-db-clusters.json rds describe-db-clusters
capture REQUIRED elasticache-describe-replication-groups.json elasticache describe-replication-groups
capture REQUIRED elasticache-describe-cache-clusters.json elasticache describe-cache-clusters --show-cache-node-info
capture OPTIONAL elasticache-describe-serverless-caches.json elasticache describe-serverless-caches
capture OPTIONAL elasticache-describe-user-groups.json elasticache describe-user-groups
capture OPTIONAL elasticache-describe-users.json elasticache describe-users

# The network path: subnets, route tables (main tables included), network ACLs, cache subnet groups.
capture REQUIRED ec2-describe-subnets.json ec2 describe-subnets
capture REQUIRED ec2-describe-route-tables.json ec2 describe-route-tables
capture REQUIRED ec2-describe-network-acls.json ec2 describe-network-acls
capture REQUIRED elasticache-describe-cache-subnet-groups.json elasticache describe-cache-subnet-groups

# Prefix lists used as sources in security group rules.
for pl in $(ids 'SecurityGroups[].IpPermissions[].PrefixListIds[].PrefixListId' ec2 describe-security-groups); do
  capture REQUIRED "ec2-get-managed-prefix-list-entries/$pl.json" ec2 get-managed-prefix-list-entries --prefix-list-id "$pl"
done

# Parameter groups of every instance and cluster (rds.force_ssl, log_connections).
for g in $(ids 'DBInstances[].DBParameterGroups[].DBParameterGroupName' rds describe-db-instances); do
  capture REQUIRED "rds-describe-db-parameters/$g.json" rds describe-db-parameters --db-parameter-group-name "$g"
done
for g in $(ids 'DBClusters[].DBClusterParameterGroup' rds describe-db-clusters); do
  capture REQUIRED "rds-describe-db-cluster-parameters/$g.json" rds describe-db-cluster-parameters --db-cluster-parameter-group-name "$g"
done

# ElastiCache tags (for tag selection), by id; the call takes the ARN.
{
  ids_rows() { aws elasticache "$1" --region "$region" --output text --query "$2" </dev/null 2>/dev/null || true; }
  ids_rows describe-replication-groups 'ReplicationGroups[].[ReplicationGroupId,ARN]'
  ids_rows describe-cache-clusters 'CacheClusters[?ReplicationGroupId==null].[CacheClusterId,ARN]'
  if [ -f "$dir/elasticache-describe-serverless-caches.json" ]; then
    ids_rows describe-serverless-caches 'ServerlessCaches[].[ServerlessCacheName,ARN]'
  fi
} | while read -r id arn; do
  [ -n "${arn:-}" ] && [ "$arn" != None ] || continue
  printf '%s\t%s\n' "$id" "$arn"
done >"$dir/.tag-targets"
while IFS=$'\t' read -r id arn; do
  capture OPTIONAL "elasticache-list-tags-for-resource/$id.json" elasticache list-tags-for-resource --resource-name "$arn"
done <"$dir/.tag-targets"
rm -f "$dir/.tag-targets"

# The secrets named in credentials.secrets (and those the postgres/redis sections read).
for s in "$@"; do
  name=${s##*:secret:}
  capture REQUIRED "secretsmanager-describe-secret/${name//\//__}.json" secretsmanager describe-secret --secret-id "$s"
done

# CloudTrail: the trails that log this region (own, multi-region and organization trails), their
# status and event selectors, by name; the calls take the ARN (a shadow trail answers only to it).
capture REQUIRED cloudtrail-describe-trails.json cloudtrail describe-trails --include-shadow-trails
if [ -f "$dir/cloudtrail-describe-trails.json" ]; then
  aws cloudtrail describe-trails --include-shadow-trails --region "$region" --output text \
    --query "trailList[?HomeRegion=='$region' || IsMultiRegionTrail].[Name,TrailARN]" </dev/null >"$dir/.trails" || true
  while IFS=$'\t' read -r name arn; do
    [ -n "${arn:-}" ] && [ "$arn" != None ] || continue
    capture REQUIRED "cloudtrail-get-trail-status/$name.json" cloudtrail get-trail-status --name "$arn"
    capture REQUIRED "cloudtrail-get-event-selectors/$name.json" cloudtrail get-event-selectors --trail-name "$arn"
  done <"$dir/.trails"
  rm -f "$dir/.trails"
fi

# The PostgreSQL log of every stand-alone instance and cluster, since --since (pages merged by the CLI).
if [ -n "$since" ]; then
  until_ms=$(( $(date -u +%s) * 1000 ))
  {
    ids 'DBInstances[?DBClusterIdentifier==null && Engine==`postgres`].DBInstanceIdentifier' rds describe-db-instances | sed 's|^|instance/|'
    ids 'DBClusters[?Engine==`aurora-postgresql` || Engine==`postgres`].DBClusterIdentifier' rds describe-db-clusters | sed 's|^|cluster/|'
  } >"$dir/.log-groups"
  while read -r kind_id; do
    group="/aws/rds/$kind_id/postgresql"
    capture REQUIRED "logs-filter-log-events/${group//\//__}.json" logs filter-log-events --log-group-name "$group" \
      --start-time "$((since_s * 1000))" --end-time "$((until_ms - 1))" --filter-pattern "$LOG_FILTER"
  done <"$dir/.log-groups"
  rm -f "$dir/.log-groups"
fi

# meta.json last, whole: its presence says the capture finished.
meta_temp=$(mktemp "$dir/meta.json.tmp.XXXXXX")
{
  printf '{\n  "capturedAt": "%s",\n  "account": "%s",\n  "region": "%s"' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$account" "$region"
  if [ -n "$since" ]; then printf ',\n  "logsSince": "%s"' "$logs_since"; fi
  if [ "${#not_captured[@]}" -gt 0 ]; then
    printf ',\n  "notCaptured": [\n    %s' "${not_captured[0]}"
    for entry in "${not_captured[@]:1}"; do printf ',\n    %s' "$entry"; done
    printf '\n  ]'
  fi
  printf '\n}\n'
} >"$meta_temp"
mv -f "$meta_temp" "$dir/meta.json"

if [ "$failed" -ne 0 ]; then
  say "some calls failed (see above, and notCaptured in $dir/meta.json); the audit reports them as ERROR"
  exit 1
fi
say "captured account $account in $region into $dir"
