/**
 * The scanner task's security group: no ingress at all; egress HTTPS only, either to this VPC's
 * endpoints and the S3 prefix list (created network) or to any address (an adopted VPC whose route to
 * AWS — NAT or its own endpoints — this project does not know).
 */
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { Construct } from 'constructs';
import { stackOf } from '../base';

export type ScannerEgress = { to: 'endpoints'; cidr: string; s3PrefixListId: string } | { to: 'anywhere' };

export class ScannerSecurityGroup extends Construct {
  readonly group: SecurityGroup;

  constructor(scope: Construct, id: string, vpcId: string, egress: ScannerEgress) {
    super(scope, id);
    this.group = new SecurityGroup(this, 'sg', {
      name: stackOf(this).name('scanner'),
      description: 'leakscan scanner tasks: no inbound, HTTPS outbound to AWS APIs',
      vpcId,
    });
    const https = { securityGroupId: this.group.id, ipProtocol: 'tcp', fromPort: 443, toPort: 443 };
    if (egress.to === 'endpoints') {
      new VpcSecurityGroupEgressRule(this, 'https-to-endpoints', { ...https, description: 'HTTPS to the VPC interface endpoints', cidrIpv4: egress.cidr });
      new VpcSecurityGroupEgressRule(this, 'https-to-s3', { ...https, description: 'HTTPS to S3 (ECR image layers) via the gateway endpoint', prefixListId: egress.s3PrefixListId });
    } else {
      new VpcSecurityGroupEgressRule(this, 'https-out', { ...https, description: 'HTTPS to AWS APIs through the adopted VPC routing', cidrIpv4: '0.0.0.0/0' });
    }
  }
}
