/**
 * The scanner task's security group: no ingress at all; egress HTTPS only, either to this VPC's
 * endpoints and the gateway prefix lists of S3 and (with the findings table) DynamoDB (created network),
 * or to any address (an adopted VPC whose route to AWS — NAT or its own endpoints — this project does not know).
 */
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { Construct } from 'constructs';

export type ScannerEgress =
  | { to: 'endpoints'; cidr: string; s3PrefixListId: string; dynamodbPrefixListId?: string }
  | { to: 'anywhere' };

export interface ScannerSecurityGroupProps {
  name: string;
  vpcId: string;
  egress: ScannerEgress;
}

export class ScannerSecurityGroup extends Construct {
  readonly group: SecurityGroup;

  constructor(scope: Construct, id: string, props: ScannerSecurityGroupProps) {
    super(scope, id);
    const { egress } = props;
    this.group = new SecurityGroup(this, 'sg', {
      name: props.name,
      description: 'leakscan scanner tasks: no inbound, HTTPS outbound to AWS APIs',
      vpcId: props.vpcId,
    });
    const https = { securityGroupId: this.group.id, ipProtocol: 'tcp', fromPort: 443, toPort: 443 };
    if (egress.to === 'endpoints') {
      new VpcSecurityGroupEgressRule(this, 'https-to-endpoints', {
        ...https,
        description: 'HTTPS to the VPC interface endpoints',
        cidrIpv4: egress.cidr,
      });
      new VpcSecurityGroupEgressRule(this, 'https-to-s3', {
        ...https,
        description: 'HTTPS to S3 (ECR image layers) via the gateway endpoint',
        prefixListId: egress.s3PrefixListId,
      });
      if (egress.dynamodbPrefixListId !== undefined) {
        new VpcSecurityGroupEgressRule(this, 'https-to-dynamodb', {
          ...https,
          description: 'HTTPS to DynamoDB (the findings table) via the gateway endpoint',
          prefixListId: egress.dynamodbPrefixListId,
        });
      }
    } else {
      new VpcSecurityGroupEgressRule(this, 'https-out', {
        ...https,
        description: 'HTTPS to AWS APIs through the adopted VPC routing',
        cidrIpv4: '0.0.0.0/0',
      });
    }
  }
}
