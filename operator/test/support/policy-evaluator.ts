/**
 * Evaluates NetworkPolicies the way the Kubernetes NetworkPolicy spec
 * defines them, independently of how they were rendered:
 * - a pod selected by no policy of a type allows all traffic of that type;
 * - a pod selected by some is isolated, and traffic is allowed when any rule
 *   of any selecting policy allows it (rules are additive);
 * - a connection needs both the source's egress and the target's ingress.
 */
export interface Endpoint {
  name: string;
  /** Absent for addresses outside the cluster. */
  namespace?: string;
  labels: Record<string, string>;
  ip: string;
}

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}
interface Peer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}
interface PortRule {
  protocol?: string;
  port?: number | string;
}
interface Rule {
  from?: Peer[];
  to?: Peer[];
  ports?: PortRule[];
}
export interface Policy {
  metadata: { name: string; namespace?: string };
  spec: { podSelector: LabelSelector; policyTypes?: string[]; ingress?: Rule[]; egress?: Rule[] };
}

function expressionMatches(e: { key: string; operator: string; values?: string[] }, labels: Record<string, string>) {
  const v = labels[e.key];
  if (e.operator === 'In') return v !== undefined && (e.values ?? []).includes(v);
  if (e.operator === 'NotIn') return v === undefined || !(e.values ?? []).includes(v);
  if (e.operator === 'Exists') return v !== undefined;
  return v === undefined; // DoesNotExist
}

export function selectorMatches(selector: LabelSelector, labels: Record<string, string>): boolean {
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  return byLabel && (selector.matchExpressions ?? []).every((e) => expressionMatches(e, labels));
}

function ipToInt(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const size = 32 - Number(bits);
  return Math.floor(ipToInt(ip) / 2 ** size) === Math.floor(ipToInt(base!) / 2 ** size);
}

export class PolicyEvaluator {
  constructor(
    private readonly policies: readonly Policy[],
    private readonly namespaceLabels: Readonly<Record<string, Record<string, string>>>,
  ) {}

  allowed(from: Endpoint, to: Endpoint, port: number, protocol = 'TCP'): boolean {
    return this.side(from, to, 'Egress', { port, protocol }) && this.side(to, from, 'Ingress', { port, protocol });
  }

  /** Whether `pod` lets traffic of `type` to or from `other`. */
  private side(pod: Endpoint, other: Endpoint, type: 'Ingress' | 'Egress', conn: { port: number; protocol: string }) {
    if (pod.namespace === undefined) return true; // outside the cluster: no policy applies
    const selecting = this.policies.filter(
      (p) =>
        p.metadata.namespace === pod.namespace &&
        selectorMatches(p.spec.podSelector, pod.labels) &&
        this.types(p).includes(type),
    );
    if (selecting.length === 0) return true;
    return selecting.some((p) =>
      ((type === 'Ingress' ? p.spec.ingress : p.spec.egress) ?? []).some((rule) =>
        this.ruleAllows(rule, { type, namespace: pod.namespace! }, other, conn),
      ),
    );
  }

  /** policyTypes defaults: Ingress always, Egress when egress rules are present. */
  private types(p: Policy): string[] {
    return p.spec.policyTypes ?? ['Ingress', ...(p.spec.egress ? ['Egress'] : [])];
  }

  private ruleAllows(
    rule: Rule,
    { type, namespace: ns }: { type: string; namespace: string },
    other: Endpoint,
    conn: { port: number; protocol: string },
  ) {
    const peers = type === 'Ingress' ? rule.from : rule.to;
    const peerOk = peers === undefined || peers.length === 0 || peers.some((peer) => this.peerMatches(peer, ns, other));
    const portOk =
      rule.ports === undefined ||
      rule.ports.length === 0 ||
      rule.ports.some((p) => (p.protocol ?? 'TCP') === conn.protocol && (p.port === undefined || p.port === conn.port));
    return peerOk && portOk;
  }

  private peerMatches(peer: Peer, policyNamespace: string, other: Endpoint): boolean {
    if (peer.ipBlock) {
      return inCidr(other.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((c) => inCidr(other.ip, c));
    }
    if (other.namespace === undefined) return false; // selectors only match pods
    const nsOk = peer.namespaceSelector
      ? selectorMatches(peer.namespaceSelector, this.namespaceLabels[other.namespace] ?? {})
      : other.namespace === policyNamespace;
    return nsOk && selectorMatches(peer.podSelector ?? {}, other.labels);
  }
}
