package dev.eventline.projections;

import static dev.eventline.projections.TestEvents.deposited;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.core.AppendResult;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.jdbc.JdbcEventStore;
import dev.eventline.jdbc.testing.H2TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The inline projection contract on H2 in memory, and inline projections over H2's generation tables. */
class H2InlineProjectionsTest extends InlineProjectionsContract {

    @Override
    protected DataSource freshDatabase() {
        return H2TestDatabases.inMemory();
    }

    @ParameterizedTest(name = "inline projections on a checkpoint store with the option: {0}")
    @ValueSource(booleans = {true, false})
    void with_generation_tables_appends_after_a_shadow_rebuild_update_the_live_generation(boolean inlineOptedIn)
        throws Exception {
        // given: an inline projection with a read model that drifted, and a runner whose checkpoints use generation
        // tables (the inline projections' store has the option too, or not: once switched, the tables stay so)
        try (HikariDataSource database = H2TestDatabases.inMemory()) {
            JdbcCheckpointStore generations = JdbcCheckpointStore.builder(database).generationTables(true).build();
            JdbcCheckpointStore inlineCheckpoints = inlineOptedIn ? generations
                : JdbcCheckpointStore.builder(database).build();
            InlineProjections inline = InlineProjections.of(inlineCheckpoints, JdbcBalances.projection());
            JdbcEventStore store = JdbcEventStore.builder(database).appendHook(inline).build();
            store.createSchema();
            inline.createSchema();
            store.append("account-1", ExpectedVersion.noStream(), List.of(deposited(10), deposited(20)));
            JdbcBalances.execute(database, "UPDATE balance SET cents = 0");
            // when: a runner rebuilds it by shadow (switching to the first generation of tables), then appends go on
            try (ProjectionRunner runner = ProjectionRunner.builder(store).checkpoints(generations)
                .register(JdbcBalances.projection()).build()) {
                runner.rebuild(JdbcBalances.NAME, RebuildMode.SHADOW).get(30, TimeUnit.SECONDS);
            }
            AppendResult after = store.append("account-1", ExpectedVersion.exactly(2), List.of(deposited(100)));
            // then: the append's effects are in the live tables that readers resolve, with the rebuilt rows
            LiveTables live = generations.liveTables(JdbcBalances.NAME);
            assertThat(live.generation()).isEqualTo(1);
            assertThat(cents(database, live, "account-1")).isEqualTo(130);
            assertThat(JdbcBalances.single(database, "SELECT COUNT(*) FROM " + live.table("applied_event")))
                .isEqualTo(3);
            assertThat(inline.position(JdbcBalances.NAME)).isEqualTo(after.lastPosition());
            // and createSchema at the next start sets up the live generation, not the replaced base tables
            inline.createSchema();
            store.append("account-1", ExpectedVersion.exactly(3), List.of(deposited(1)));
            assertThat(cents(database, generations.liveTables(JdbcBalances.NAME), "account-1")).isEqualTo(131);
            JdbcBalances.execute(database, "DROP ALL OBJECTS");
        }
    }

    private static long cents(DataSource database, LiveTables live, String account) throws SQLException {
        try (Connection connection = database.getConnection(); PreparedStatement select = connection.prepareStatement(
            "SELECT cents FROM " + live.table("balance") + " WHERE account = ?")) {
            select.setString(1, account);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getLong(1) : 0;
            }
        }
    }
}
