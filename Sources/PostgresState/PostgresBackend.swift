import PostgresNIO
import StateStore
