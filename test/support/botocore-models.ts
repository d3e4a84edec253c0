/**
 * Validates a JSON document against the AWS CLI's own model of an operation's output
 * (botocore's service-2.json, which the installed AWS CLI v1 prints from): every key must
 * be a member the model names, every value of the model's type, every enum value one the
 * model lists. A fixture that passes is shaped as the CLI would print it.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";

/** Where the installed AWS CLI v1 keeps its models (see the brief); tests skip when it is absent. */
export const BOTOCORE_DATA = "/root/.pyenv/versions/3.11.7/lib/python3.11/site-packages/botocore/data";
export const botocoreAvailable = existsSync(BOTOCORE_DATA);

interface ShapeRef {
  shape: string;
}
interface Shape {
  type: string;
  members?: Record<string, ShapeRef>;
  member?: ShapeRef;
  enum?: string[];
  required?: string[];
  min?: number;
  max?: number;
  pattern?: string;
}
interface Model {
  operations: Record<string, { input?: ShapeRef; output?: ShapeRef }>;
  shapes: Record<string, Shape>;
}

const models = new Map<string, Model>();

function model(service: string): Model {
  let m = models.get(service);
  if (!m) {
    const dir = path.join(BOTOCORE_DATA, service);
    const version = readdirSync(dir).sort().at(-1) as string;
    const file = path.join(dir, version, "service-2.json.gz");
    m = JSON.parse(gunzipSync(readFileSync(file)).toString("utf8")) as Model;
    models.set(service, m);
  }
  return m;
}

/** Problems found, as `Key[0].Member: reason` lines; empty when the document fits the model. */
export function outputProblems(service: string, operation: string, document: unknown): string[] {
  return problemsOf(service, operation, "output", document);
}

/**
 * The same for a request an SDK call would send (`input`), stricter as the service is:
 * required members present, list sizes and string patterns (NonEmptyString) as the model
 * constrains them.
 */
export function inputProblems(service: string, operation: string, document: unknown): string[] {
  return problemsOf(service, operation, "input", document);
}

function problemsOf(service: string, operation: string, side: "input" | "output", document: unknown): string[] {
  const m = model(service);
  const top = m.operations[operation]?.[side];
  if (!top) return [`${service} ${operation}: no such operation with an ${side} in the model`];
  const strict = side === "input";
  const problems: string[] = [];
  const walk = (value: unknown, shapeName: string, at: string) => {
    const shape = m.shapes[shapeName] as Shape;
    const where = at || "(top level)";
    switch (shape.type) {
      case "structure": {
        if (value === null || typeof value !== "object" || Array.isArray(value)) {
          problems.push(`${where}: expected an object (${shapeName})`);
          return;
        }
        if (strict) {
          for (const key of shape.required ?? []) {
            if ((value as Record<string, unknown>)[key] === undefined)
              problems.push(`${at ? `${at}.` : ""}${key}: required by ${shapeName}`);
          }
        }
        for (const [key, child] of Object.entries(value)) {
          const member = shape.members?.[key];
          if (!member) problems.push(`${at ? `${at}.` : ""}${key}: not a member of ${shapeName}`);
          else walk(child, member.shape, at ? `${at}.${key}` : key);
        }
        return;
      }
      case "list":
        if (!Array.isArray(value)) problems.push(`${where}: expected a list (${shapeName})`);
        else if (strict && shape.max !== undefined && value.length > shape.max)
          problems.push(`${where}: ${value.length} items, at most ${shape.max} (${shapeName})`);
        else if (strict && shape.min !== undefined && value.length < shape.min)
          problems.push(`${where}: ${value.length} items, at least ${shape.min} (${shapeName})`);
        else for (const [i, item] of value.entries()) walk(item, (shape.member as ShapeRef).shape, `${at}[${i}]`);
        return;
      case "string":
        if (typeof value !== "string") problems.push(`${where}: expected a string (${shapeName})`);
        else if (shape.enum && !shape.enum.includes(value)) problems.push(`${where}: ${value} is not one of ${shape.enum.join(", ")}`);
        else if (strict && shape.pattern && !new RegExp(`^(?:${shape.pattern})$`, "s").test(value)) {
          problems.push(`${where}: does not match ${shape.pattern} (${shapeName})`);
        }
        return;
      case "integer":
      case "long":
        if (!Number.isInteger(value)) problems.push(`${where}: expected an integer (${shapeName})`);
        else if (
          strict &&
          ((shape.max !== undefined && (value as number) > shape.max) || (shape.min !== undefined && (value as number) < shape.min))
        ) {
          problems.push(`${where}: ${value} is outside ${shape.min ?? ""}..${shape.max ?? ""} (${shapeName})`);
        }
        return;
      case "double":
      case "float":
        if (strict && typeof value !== "number") problems.push(`${where}: expected a number (${shapeName})`);
        return;
      case "map":
        if (strict && (value === null || typeof value !== "object" || Array.isArray(value)))
          problems.push(`${where}: expected a map (${shapeName})`);
        return;
      case "boolean":
        if (typeof value !== "boolean") problems.push(`${where}: expected true or false (${shapeName})`);
        return;
      case "timestamp":
        if (typeof value !== "string" || Number.isNaN(Date.parse(value))) problems.push(`${where}: expected a timestamp (${shapeName})`);
        return;
      default:
        return;
    }
  };
  walk(document, top.shape, "");
  return problems;
}
