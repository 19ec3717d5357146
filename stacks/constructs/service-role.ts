/** An IAM role that one AWS service assumes, with one inline policy (exact actions, exact resources). */
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';
import { policyDocument, type Conditions, type Statement } from './policy';

export interface ServiceRoleProps {
  name: string;
  service: string;
  /** Confused-deputy guard on the trust policy (aws:SourceAccount / aws:SourceArn). */
  trustConditions: Conditions;
  statements: Statement[];
}

export class ServiceRole extends Construct {
  readonly role: IamRole;
  readonly policy: IamRolePolicy;

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    this.role = new IamRole(this, 'role', {
      name: props.name,
      assumeRolePolicy: policyDocument({
        Effect: 'Allow',
        Principal: { Service: props.service },
        Action: 'sts:AssumeRole',
        Condition: props.trustConditions,
      }),
    });
    this.policy = new IamRolePolicy(this, 'policy', {
      name: 'least-privilege',
      role: this.role.id,
      policy: policyDocument(...props.statements),
    });
  }

  get arn(): string {
    return this.role.arn;
  }
}
