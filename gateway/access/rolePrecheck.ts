import type { ApolloServerPlugin } from '@apollo/server';
import { getNamedType, isObjectType, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from 'graphql';
import { graphError } from '../../lib/errorCodes';
import type { GatewayContext } from '../SubgraphDataSource';
import { fieldRulesByName, ruleOf } from './fieldRoles';

/**
 * Refuses, before the query is planned, any field whose rule can never grant the reader's role (a
 * researcher asking for `patient`, a clinician for `accessLog`, a citizen for `patient`): such fields are
 * not planned, no subgraph is called and no source is asked. HTTP 403 with FORBIDDEN, naming each field
 * and its rule. Everything that depends on more than the role is decided by the subgraphs, which check
 * every field again whatever passed here.
 */
export function rolePrecheck(): ApolloServerPlugin<GatewayContext> {
  const rules = fieldRulesByName();
  // The fields of a document and their rules, worked out once per parsed document (Apollo keeps one parsed
  // document per operation text): the role decides per request.
  const byDocument = new WeakMap<DocumentNode, Map<string, NonNullable<ReturnType<typeof ruleOf>>>>();
  const ruledFields = (document: DocumentNode, schema: GraphQLSchema) => {
    let found = byDocument.get(document);
    if (!found) {
      const fields = new Map<string, NonNullable<ReturnType<typeof ruleOf>>>();
      const typeInfo = new TypeInfo(schema);
      // The whole document, so fields inside fragments count too (validation has refused unused fragments).
      visit(
        document,
        visitWithTypeInfo(typeInfo, {
          Field(node) {
            const parent = typeInfo.getParentType();
            if (!parent || !isObjectType(getNamedType(parent)) || node.name.value.startsWith('__')) return;
            const rule = ruleOf(rules, parent.name, node.name.value);
            if (rule) fields.set(`${parent.name}.${node.name.value}`, rule);
          },
        }),
      );
      found = fields;
      byDocument.set(document, found);
    }
    return found;
  };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, schema, contextValue }) {
          const role = contextValue.identity?.role;
          if (!role) return;
          const refused = new Map<string, string>();
          for (const [field, rule] of ruledFields(document, schema)) if (rule.roles && !rule.roles.includes(role)) refused.set(field, rule.name);
          if (refused.size === 0) return;
          const fields = [...refused].map(([field, rule]) => `${field} (rule ${rule})`);
          const listed = fields.length > 5 ? `${fields.slice(0, 5).join(', ')} and ${fields.length - 5} more` : fields.join(', ');
          throw graphError('FORBIDDEN', `Access denied before planning: your role (${role}) can never read ${listed}`, {
            rule: [...new Set(refused.values())].join(','),
            reason: 'ROLE',
            fields: [...refused.keys()],
            http: { status: 403 },
          });
        },
      };
    },
  };
}
