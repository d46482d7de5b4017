import Testing
@testable import PETMigrate

@Suite struct ConfigurationTests {
    @Test(arguments: [
        ("", "not valid JSON"),
        ("[]", "must be an object"),
        (#"{"database": {"driver": "sqlite", "path": "/tmp/x.db"}}"#, "\"migrations_dir\" is missing"),
        (#"{"migrations_dir": "/tmp"}"#, "\"database\" is missing"),
        (#"{"migrations_dir": "/tmp", "database": {"driver": "oracle"}}"#, "unknown database driver"),
        (#"{"migrations_dir": "/tmp", "database": {"driver": "mariadb", "user": "u"}}"#, "needs a \"name\""),
        (#"{"migrations_dir": "/tmp", "database": {"driver": "mariadb", "user": "u", "name": "n", "port": "3306"}}"#, "\"port\" in \"database\" must be a whole number"),
        (#"{"migrations_dir": "/tmp", "prefix": "wp-; drop", "database": {"driver": "sqlite", "path": "x"}}"#, "table prefix (\"prefix\", --prefix) may contain only"),
        (#"{"migrations_dir": "/tmp", "database": {"driver": "sqlite", "path": "x"}, "lock_timeout": 3}"#, "unknown key \"lock_timeout\""),
    ])
    func rejectsBadConfigurationWithAReason(_ text: String, _ expected: String) {
        #expect {
            _ = try EngineConfiguration.parse(json: text)
        } throws: { error in
            (error as? ConfigurationError)?.reason.contains(expected) == true
        }
    }

    @Test func readsAMariaDBConfiguration() throws {
        let configuration = try EngineConfiguration.parse(json: #"{"migrations_dir": "/m", "prefix": "wp_3_", "lock_timeout_seconds": 9, "database": {"driver": "mariadb", "host": "::1", "port": 3307, "user": "wp", "password": "pw", "name": "site"}}"#)
        guard case .mariadb(let endpoint) = configuration.database else { Issue.record("not mariadb"); return }
        #expect(endpoint.host == "::1")
        #expect(endpoint.port == 3307)
        #expect(configuration.prefix == "wp_3_")
        #expect(configuration.lockTimeoutSeconds == 9)
        #expect(!endpoint.displayName.contains("pw"))
    }

    @Test func testFaultsNeedTheEnvironmentSwitch() throws {
        let configuration = try EngineConfiguration.parse(json: #"{"migrations_dir": "/m", "database": {"driver": "sqlite", "path": "x"}, "test_faults": [{"point": "after_ddl", "step": 2, "action": "kill"}]}"#)
        #expect(configuration.testFaults.first?.point == .afterDDL)
        // The test process does not set PET_MIGRATE_TEST_FAULTS, so the fault is inert here.
        #expect(FaultInjector(faults: configuration.testFaults).faults.isEmpty)
    }
}
