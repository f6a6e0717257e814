package io.setsync.destination;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import io.setsync.fs.RawNames;
import java.io.IOException;

/**
 * A file name in the rename journal. A name that is UTF-8 is written as text, as it always was;
 * one that is not ({@link RawNames}: it holds escaped bytes, which CBOR text cannot carry) as its
 * bytes. Either reads back as the same name.
 */
final class JournalName {

  private JournalName() {}

  static final class Writer extends JsonSerializer<String> {
    @Override
    public void serialize(String name, JsonGenerator out, SerializerProvider provider) throws IOException {
      if (RawNames.hasEscapes(name)) out.writeBinary(RawNames.bytes(name));
      else out.writeString(name);
    }
  }

  static final class Reader extends JsonDeserializer<String> {
    @Override
    public String deserialize(JsonParser in, DeserializationContext context) throws IOException {
      if (in.currentToken() == JsonToken.VALUE_STRING) return in.getText();
      return RawNames.decode(in.getBinaryValue());
    }
  }
}
