import ArgumentParser
import GRDB
import Yams
import Mustache
import Crypto
import ServiceLifecycle
import Logging
import CCurl
print("hi")
