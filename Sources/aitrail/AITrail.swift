import AITrailKit
import ArgumentParser

@main
struct AITrail: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aitrail",
        abstract: "Tag AI-assisted commits, gate review on eval evidence, and audit AI adoption, with git as the store.",
        version: AITrailVersion.string,
        subcommands: [
            EvalCommand.self, ReviewCommand.self, CheckCommand.self, AuditCommand.self, BlameCommand.self,
            InstallCommand.self, UninstallCommand.self, StatusCommand.self, DetectCommand.self, SessionCommand.self,
            LogCommand.self, SyncCommand.self, CarryCommand.self, PublishCommand.self, ReportCommand.self, HookCommand.self,
        ]
    )
}
