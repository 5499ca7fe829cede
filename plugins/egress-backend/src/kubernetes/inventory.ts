import { MANAGED_BY_LABEL, MANAGED_BY_VALUE, REQUEST_ID_LABEL } from '@backstage-egress/plugin-egress-common';
import { CachedObject } from './Reflector';
import { KIND_ORDER } from './kinds';
import { InventoryResource, IstioKind, MeshMode, NamespaceInventory } from './types';

/** Orders strings by UTF-16 code units, like `<`, independent of locale. */
export function compareCodeUnits(a: string, b: string): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function numbers(values: unknown[]): number[] {
  const set = new Set(values.filter((v): v is number => typeof v === 'number'));
  return [...set].sort((a, b) => a - b);
}

function asMode(value: unknown): MeshMode | undefined {
  return value === 'REGISTRY_ONLY' || value === 'ALLOW_ANY' ? value : undefined;
}

/**
 * Descriptions of cached objects, by object: the cache replaces an object when it changes,
 * so each object is described once, not on every inventory read.
 */
const described = new WeakMap<CachedObject, InventoryResource>();

function describeCached(kind: IstioKind, obj: CachedObject): InventoryResource {
  let resource = described.get(obj);
  if (!resource || resource.kind !== kind) {
    resource = describeResource(kind, obj);
    described.set(obj, resource);
  }
  return resource;
}

/** What one Istio object opens: hosts, addresses and ports, and whether it is ours. */
export function describeResource(kind: IstioKind, obj: CachedObject): InventoryResource {
  const spec = obj.spec ?? {};
  const labels = obj.metadata.labels ?? {};
  const managed = labels[MANAGED_BY_LABEL] === MANAGED_BY_VALUE;
  const base: InventoryResource = {
    kind,
    namespace: obj.metadata.namespace ?? '',
    name: obj.metadata.name,
    managed,
    ...(managed && labels[REQUEST_ID_LABEL] ? { requestId: labels[REQUEST_ID_LABEL] } : {}),
    hosts: [],
    addresses: [],
    ports: [],
  };
  const matchPorts = (routes: unknown) =>
    (Array.isArray(routes) ? routes : []).flatMap((r: any) =>
      (Array.isArray(r?.match) ? r.match : []).map((m: any) => m?.port),
    );
  switch (kind) {
    case 'ServiceEntry':
      return {
        ...base,
        hosts: strings(spec.hosts),
        addresses: strings(spec.addresses),
        ports: numbers((spec.ports ?? []).map((p: any) => p?.number)),
        ...(spec.location ? { location: spec.location } : {}),
        ...(spec.resolution ? { resolution: spec.resolution } : {}),
      };
    case 'Gateway':
      return {
        ...base,
        hosts: (spec.servers ?? []).flatMap((s: any) => strings(s?.hosts)),
        ports: numbers((spec.servers ?? []).map((s: any) => s?.port?.number)),
      };
    case 'VirtualService':
      return {
        ...base,
        hosts: strings(spec.hosts),
        ports: numbers([...matchPorts(spec.tls), ...matchPorts(spec.tcp), ...matchPorts(spec.http)]),
      };
    case 'DestinationRule':
      return {
        ...base,
        hosts: typeof spec.host === 'string' ? [spec.host] : [],
        ports: numbers((spec.trafficPolicy?.portLevelSettings ?? []).map((p: any) => p?.port?.number)),
      };
    case 'Sidecar': {
      const mode = asMode(spec.outboundTrafficPolicy?.mode);
      return {
        ...base,
        hosts: (spec.egress ?? []).flatMap((e: any) => strings(e?.hosts)),
        ports: numbers((spec.egress ?? []).map((e: any) => e?.port?.number)),
        ...(mode ? { outboundTrafficPolicyMode: mode } : {}),
      };
    }
    case 'AuthorizationPolicy':
      // The hosts a policy admits: the SNI values of its conditions (how ours are written).
      return {
        ...base,
        hosts: (spec.rules ?? []).flatMap((r: any) =>
          (r?.when ?? []).filter((w: any) => w?.key === 'connection.sni').flatMap((w: any) => strings(w?.values)),
        ),
      };
    default:
      return base;
  }
}

/**
 * The inventory of one namespace from its objects per kind. A Sidecar
 * without a workload selector applies to the whole namespace, so its
 * outbound mode overrides the mesh's.
 */
export function buildNamespaceInventory(options: {
  cluster: string;
  namespace: string;
  meshMode?: MeshMode;
  objects: Partial<Record<IstioKind, CachedObject[]>>;
}): Omit<NamespaceInventory, 'synced' | 'lastEventAt' | 'error'> {
  const resources: InventoryResource[] = [];
  let sidecarOverride: { name: string; mode: MeshMode } | undefined;
  for (const kind of KIND_ORDER) {
    const objs = [...(options.objects[kind] ?? [])].sort((a, b) =>
      compareCodeUnits(a.metadata.name, b.metadata.name),
    );
    for (const obj of objs) {
      const resource = describeCached(kind, obj);
      resources.push(resource);
      const selector = obj.spec?.workloadSelector?.labels;
      const namespaceWide = !selector || Object.keys(selector).length === 0;
      if (kind === 'Sidecar' && namespaceWide && resource.outboundTrafficPolicyMode && !sidecarOverride) {
        sidecarOverride = { name: resource.name, mode: resource.outboundTrafficPolicyMode };
      }
    }
  }
  const effectiveMode = sidecarOverride?.mode ?? options.meshMode;
  return {
    cluster: options.cluster,
    namespace: options.namespace,
    ...(options.meshMode ? { meshMode: options.meshMode } : {}),
    ...(sidecarOverride ? { sidecarMode: sidecarOverride.mode, sidecarOverride: sidecarOverride.name } : {}),
    ...(effectiveMode ? { effectiveMode } : {}),
    resources,
  };
}

/** A JSON document in parts, in order: members serialised per call, and bytes shared between calls. */
export type JsonParts = Array<string | Buffer>;

/** UTF-8 JSON of inventory resource lists, by list: a built inventory is shared while unchanged. */
const resourcesJson = new WeakMap<InventoryResource[], Buffer>();

/**
 * `JSON.stringify(entries)` in parts, each entry's resource list serialised (and encoded) once per
 * list: views of an unchanged namespace share the list (see `ClusterService.inventory`), so most
 * of a large answer is neither serialised nor copied again on every call.
 */
export function inventoryJson(entries: NamespaceInventory[]): JsonParts {
  const parts: JsonParts = ['['];
  entries.forEach(({ resources, ...rest }, i) => {
    let json = resourcesJson.get(resources);
    if (json === undefined) {
      json = Buffer.from(JSON.stringify(resources));
      resourcesJson.set(resources, json);
    }
    parts.push(...jsonWithRaw(rest, 'resources', [json]));
    if (i < entries.length - 1) parts.push(',');
  });
  parts.push(']');
  return parts;
}

/** The JSON of `object` with one more member, `key`, whose value is already JSON (`raw`), last; then `after`'s members. */
export function jsonWithRaw(object: object, key: string, raw: JsonParts, after: object = {}): JsonParts {
  const head = JSON.stringify(object).slice(1, -1);
  const tail = JSON.stringify(after).slice(1, -1);
  return [`{${head}${head ? ',' : ''}${JSON.stringify(key)}:`, ...raw, `${tail ? ',' : ''}${tail}}`];
}

/** The parts as buffers, in order; the shared ones as they are. */
export function jsonPartsChunks(parts: JsonParts): Buffer[] {
  return parts.map(p => (typeof p === 'string' ? Buffer.from(p) : p));
}

/** The parts as one buffer (tests). */
export function jsonPartsBuffer(parts: JsonParts): Buffer {
  return Buffer.concat(jsonPartsChunks(parts));
}
