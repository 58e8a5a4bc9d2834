package dev.chat.api;

import dev.chat.common.runtime.ServiceConfig;
import dev.chat.common.store.UserTables;
import io.helidon.dbclient.DbStatements;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DatabaseTest {

    @Test
    void namedStatementsSharedWithOtherModulesComeFromTheStoreAndTheRestFromApplicationYaml() {
        DbStatements statements = Database.statements(ServiceConfig.load().get("db.statements"));

        assertThat(statements.statement("insert-user")).isEqualTo(UserTables.INSERT_USER);
        assertThat(statements.statement("user-by-id")).isEqualTo(UserTables.USER_BY_ID);
        assertThat(statements.statement("user-by-name")).isEqualTo("SELECT id, name, kind FROM users WHERE name = ?");
        assertThat(statements.statement("direct-blocked")).contains("FROM channel_write_access");
    }
}
