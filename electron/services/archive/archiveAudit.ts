/**
 * The archive's audit records, made where the change happens so that every caller (the CLI, prefetch's pinned
 * list, the quota set from the UI, a put making room) is covered: a pin or unpin (DICOM Instances Accessed,
 * action U), a study removed by the user or by quota eviction (DICOM Study Deleted), an instance file
 * that fails its authentication on read, and damage found in the index journal at open (Security Alert: the
 * file was altered or damaged).
 */
import { securityAlert, studyDeleted, studyPinChanged } from '../../../common/audit/builders';
import { EventTypeCode, Outcome } from '../../../common/audit/codes';
import { patientRefOf, SopClassTally, studyRefOf } from '../../../common/audit/refs';
import type { StudyInstanceUid } from '../../../common/dicom/uid';
import type { AuditSink } from '../audit/auditSink';
import path from 'node:path';
import type { ArchiveIndex } from './archiveIndex';
import { describeJournalDamage, type JournalDamage } from './journal';
import { objectPath } from './objectFiles';

export class ArchiveAudit {
  constructor(
    private readonly audit: AuditSink | undefined,
    private readonly index: ArchiveIndex,
    private readonly root: string,
  ) {}

  pinChanged(study: string, pinned: boolean): void {
    if (!this.audit) return;
    // A study may be pinned before any of it arrives: then no patient is known, and none is named.
    const header = this.index.instances(study as StudyInstanceUid)?.[0];
    this.audit.record((ctx) => studyPinChanged(ctx, { study: studyRefOf(study, header), patient: patientRefOf(header), pinned }));
  }

  /** Called before the study leaves the index (its headers are still there). */
  removing(study: string, reason: 'user' | 'eviction'): void {
    if (!this.audit) return;
    const instances = this.index.instances(study as StudyInstanceUid) ?? [];
    const header = instances[0];
    const sopClasses = new SopClassTally().addDatasets(instances).list();
    this.audit.record((ctx) => studyDeleted(ctx, { study: studyRefOf(study, header, sopClasses), patient: patientRefOf(header), reason }));
  }

  corrupt(file: string, message: string): void {
    this.audit?.record((ctx) =>
      securityAlert(ctx, { type: EventTypeCode.UseOfRestrictedFunction, subject: `file://${objectPath(this.root, file)}`, description: message, outcome: Outcome.SeriousFailure }),
    );
  }

  /** Damage found in the index journal or its copy of the user state at open (journal.ts). */
  journalDamaged(damage: JournalDamage): void {
    this.audit?.record((ctx) =>
      securityAlert(ctx, {
        type: EventTypeCode.UseOfRestrictedFunction,
        subject: `file://${path.join(this.root, damage.file)}`,
        description: describeJournalDamage(damage),
        outcome: Outcome.SeriousFailure,
      }),
    );
  }
}
