@testable import AITrailStore
import Testing

@Suite struct SQLTextTests {
    @Test func parametersInOrderBecomeAnonymousOthersKeepTheirNumbers() {
        #expect("INSERT INTO t VALUES ($1, $2), ($3, $4)".replacingDollarParameters() == "INSERT INTO t VALUES (?, ?), (?, ?)")
        #expect("SELECT $2, $1".replacingDollarParameters() == "SELECT ?2, ?1")
        #expect("SELECT 'a$1', $1".replacingDollarParameters() == "SELECT 'a$1', ?")
        #expect("SELECT 1".replacingDollarParameters() == "SELECT 1")
    }
}
