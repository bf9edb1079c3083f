// Kafka's simple authorizer (AclAuthorizer/StandardAuthorizer) as far as StreamForge's KafkaUsers use
// it: ALLOW rules only, literal and prefix patterns, host "*". An operation is allowed when a rule of the
// resource type matches the name and lists the operation; Read, Write and Delete imply Describe, as in
// Kafka.
export interface Acl {
  resource: { type: 'topic' | 'group' | 'cluster'; name?: string; patternType?: 'literal' | 'prefix' };
  operations: string[];
  type?: 'allow' | 'deny';
}

export interface Access {
  type: 'topic' | 'group';
  name: string;
  operation: 'Read' | 'Write' | 'Create' | 'Describe' | 'Delete';
}

const IMPLIES_DESCRIBE = new Set(['Read', 'Write', 'Delete', 'Alter']);

export function allowed(acls: readonly Acl[], access: Access): boolean {
  return acls.some((acl) => {
    if ((acl.type ?? 'allow') !== 'allow' || acl.resource.type !== access.type) return false;
    const name = acl.resource.name ?? '';
    const matches =
      (acl.resource.patternType ?? 'literal') === 'prefix'
        ? access.name.startsWith(name)
        : name === '*' || name === access.name;
    if (!matches) return false;
    return (
      acl.operations.includes('All') ||
      acl.operations.includes(access.operation) ||
      (access.operation === 'Describe' && acl.operations.some((o) => IMPLIES_DESCRIBE.has(o)))
    );
  });
}
