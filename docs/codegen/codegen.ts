// GraphQL Code Generator config for Gatehouse (run from this folder: `npx graphql-codegen`).
import type { CodegenConfig } from "@graphql-codegen/cli";

// What the JSON scalar carries (e.g. AuditEvent.details): any JSON value, never `unknown`.
const JSON_VALUE = [
  "/** Any JSON value, as the JSON scalar carries it (e.g. AuditEvent.details). */",
  "export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };",
  "",
].join("\n");

const config: CodegenConfig = {
  overwrite: true,
  schema: "../../schema.graphql",
  documents: ["operations/**/*.graphql"],
  generates: {
    "generated/graphql.ts": {
      plugins: [{ add: { content: JSON_VALUE } }, "typescript", "typescript-operations"],
      config: {
        // A scalar of the schema that is not mapped below fails the build instead of becoming `any`/`unknown`.
        strictScalars: true,
        scalars: {
          // Fixed-point money such as "1250.50", a JSON string both ways: never a number (no float rounding).
          Decimal: { input: "string", output: "string" },
          // ISO 8601 with a UTC offset, e.g. "2025-03-01T09:30:00+00:00".
          DateTime: { input: "string", output: "string" },
          JSON: { input: "JsonValue", output: "JsonValue" },
        },
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
  },
};

export default config;
