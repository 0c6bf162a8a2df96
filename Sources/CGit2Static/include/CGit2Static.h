#ifndef AITRAIL_CGIT2_STATIC_H
#define AITRAIL_CGIT2_STATIC_H
/* Nothing to import: this target only links libgit2 (see stand_ins.c and Package.swift). */
#endif
