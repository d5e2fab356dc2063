package org.openmaas.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class DatabaseTest {

    @Test
    void aDatabaseThatCannotBeReachedIsReportedWithoutTheUrlsParameters() {
        assertThatThrownBy(() -> Database.open("jdbc:postgresql://127.0.0.1:1/maas?user=maas&password=hunter2-secret"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cannot open the store at jdbc:postgresql://127.0.0.1:1/maas?...: ")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void aUrlForAnotherDatabaseIsRefusedWithWhatIsSupported() {
        assertThatThrownBy(() -> Database.open("jdbc:mysql://db/maas"))
                .hasMessageContaining("PostgreSQL").hasMessageContaining("H2");
    }

    @Test
    void aLostConnectionCountsAsUnavailableButABadStatementDoesNot() {
        assertThat(Database.isUnavailable(new RuntimeException(new SQLTransientConnectionException("timeout")))).isTrue();
        assertThat(Database.isUnavailable(new RuntimeException(new java.sql.SQLException("gone", "57P01")))).isTrue();
        assertThat(Database.isUnavailable(new RuntimeException(new java.sql.SQLException("syntax", "42601")))).isFalse();
    }
}
