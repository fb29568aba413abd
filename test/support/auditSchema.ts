/**
 * Validation of audit message XML against the DICOM Audit Message Schema (PS3.15 A.5.1.1), with libxml2's RELAX
 * NG validator (libxml2-wasm: the real libxml2 in WebAssembly, so no system package and nothing to build). The
 * schema is the Standard's, in test/fixtures/audit, converted from the compact syntax the Standard prints.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RelaxNGValidator, XmlDocument, XmlValidateError } from 'libxml2-wasm';
import { repoRoot } from './data';

const SCHEMA_PATH = path.join(repoRoot, 'test/fixtures/audit/dicom-audit-message.rng');

let validator: RelaxNGValidator | undefined;

function schema(): RelaxNGValidator {
  if (!validator) {
    const doc = XmlDocument.fromString(readFileSync(SCHEMA_PATH, 'utf8'));
    try {
      validator = RelaxNGValidator.fromDoc(doc);
    } finally {
      doc.dispose();
    }
  }
  return validator;
}

/** libxml2's complaints about one message (not well-formed, or not valid against the schema); empty when valid. */
export function auditSchemaErrors(xml: string): string[] {
  let doc: XmlDocument;
  try {
    doc = XmlDocument.fromString(xml);
  } catch (e) {
    return [`not well-formed: ${(e as Error).message}`];
  }
  try {
    schema().validate(doc);
    return [];
  } catch (e) {
    if (e instanceof XmlValidateError) return e.details.map((d) => `line ${d.line}: ${d.message.trim()}`);
    throw e;
  } finally {
    doc.dispose();
  }
}

/** Throws, naming what libxml2 found and the message, unless the XML is a valid DICOM audit message. */
export function validateAuditXml(xml: string): void {
  const errors = auditSchemaErrors(xml);
  if (errors.length) throw new Error(`Audit message not valid against the DICOM audit schema (PS3.15 A.5.1):\n${errors.join('\n')}\nin ${xml}`);
}
