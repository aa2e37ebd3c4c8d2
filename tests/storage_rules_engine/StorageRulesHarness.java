// Runs storage.rules through Google's Firebase rules engine, the one inside the gcloud SDK's Firestore emulator jar.
//
// The jar holds the rules language compiler (com.google.firebase.rules.lang), the evaluator
// (com.google.firebase.rules.runtime.impl.DefaultEvaluator) and the Cloud Storage service definition
// (com.google.firebase.rules.partners.services.firebasestorage): the same pieces the Firestore emulator uses for
// firestore.rules, and those Storage uses in production. firebase-tools' Storage emulator would need a separate
// download (cloud-storage-rules-runtime-*.jar); this harness needs none.
//
//   java -cp cloud-firestore-emulator.jar:<classes> StorageRulesHarness RULES_FILE [--firestore HOST:PORT --project P]
//
// It compiles RULES_FILE first (a compile error prints {"compiled": false, "issues": [...]} and exits 2), prints
// {"compiled": true, "issues": [...]}, then answers one JSON request per stdin line with one JSON line:
//   {"id": "r1", "method": "get|list|create|update|delete", "path": "/b/BUCKET/o/tenants/A/photos/x.jpg",
//    "auth": {"uid": "u", "token": {...claims}} | null, "resource": {...} | null, "request_resource": {...} | null,
//    "documents": {"/databases/(default)/documents/tenants/A/members/u": {...fields}}}
//   -> {"id": "r1", "permit": true|false, "firestore": ["get /databases/...", ...], "errors": [...]}
// The rules' firestore.get()/firestore.exists() read "documents" when the request carries them, else the
// Firestore emulator named by --firestore over REST (as the owner, which bypasses firestore.rules).
// Request shape as firebase-tools builds it (lib/emulator/storage/rules/runtime.js): request.auth, request.path,
// request.time, request.resource; the variable resource is the stored object's metadata or null.

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.firebase.rules.lang.CompileResult;
import com.google.firebase.rules.lang.FirebaseRulesProtoCompiler;
import com.google.firebase.rules.lang.common.FirebaseRulesLangOptions;
import com.google.firebase.rules.partners.services.firebasestorage.FirebaseStorageCreateContextConverter;
import com.google.firebase.rules.partners.services.firebasestorage.FirebaseStorageDeleteContextConverter;
import com.google.firebase.rules.partners.services.firebasestorage.FirebaseStorageGetContextConverter;
import com.google.firebase.rules.partners.services.firebasestorage.FirebaseStorageListContextConverter;
import com.google.firebase.rules.partners.services.firebasestorage.FirebaseStorageService;
import com.google.firebase.rules.partners.services.firebasestorage.FirebaseStorageUpdateContextConverter;
import com.google.firebase.rules.runtime.common.EvaluationException;
import com.google.firebase.rules.runtime.common.EvaluationListener;
import com.google.firebase.rules.runtime.common.EvaluationRestrictions;
import com.google.firebase.rules.runtime.common.EvaluationResult;
import com.google.firebase.rules.runtime.common.Evaluator;
import com.google.firebase.rules.runtime.evaluators.AuthRuleEvaluator;
import com.google.firebase.rules.runtime.impl.DefaultEvaluator;
import com.google.firebase.rules.runtime.v1.Expression;
import com.google.firebase.rules.runtime.v1.ExpressionListValue;
import com.google.firebase.rules.runtime.v1.ExpressionMapValue;
import com.google.firebase.rules.runtime.v1.ExpressionPathSegmentValue;
import com.google.firebase.rules.runtime.v1.ExpressionPathValue;
import com.google.firebase.rules.runtime.v1.ExpressionValue;
import com.google.firebase.rules.runtime.v1.RulesetAst;
import com.google.firebase.rules.v1.File;
import com.google.firebase.rules.v1.Issue;
import com.google.firebase.rules.v1.Source;
import com.google.firebase.rules.v1.SourcePosition;
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.NullValue;
import com.google.protobuf.Timestamp;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

public final class StorageRulesHarness {
  private static final Gson GSON = new Gson();

  private final RulesetAst ruleset;
  private final String firestoreHost;
  private final String project;

  private StorageRulesHarness(RulesetAst ruleset, String firestoreHost, String project) {
    this.ruleset = ruleset;
    this.firestoreHost = firestoreHost;
    this.project = project;
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: StorageRulesHarness RULES_FILE [--firestore HOST:PORT --project PROJECT]");
      System.exit(64);
    }
    String host = null;
    String project = "demo-baketracker";
    for (int i = 1; i + 1 < args.length; i += 2) {
      if (args[i].equals("--firestore")) {
        host = args[i + 1];
      } else if (args[i].equals("--project")) {
        project = args[i + 1];
      } else {
        System.err.println("unknown option " + args[i]);
        System.exit(64);
      }
    }
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    Path rules = Path.of(args[0]);
    CompileResult compiled = compile(rules.getFileName().toString(), Files.readString(rules));
    JsonObject banner = new JsonObject();
    banner.addProperty("compiled", !compiled.hasCompilationError());
    banner.add("issues", issues(compiled.getIssues()));
    out.println(GSON.toJson(banner));
    if (compiled.hasCompilationError()) {
      System.exit(2);
    }
    StorageRulesHarness harness = new StorageRulesHarness(compiled.getRulesetAst(), host, project);
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.isBlank()) {
        continue;
      }
      JsonObject request = JsonParser.parseString(line).getAsJsonObject();
      JsonObject answer;
      try {
        answer = harness.decide(request);
      } catch (Exception e) {
        answer = new JsonObject();
        answer.addProperty("harness_error", e.toString());
      }
      if (request.has("id")) {
        answer.add("id", request.get("id"));
      }
      out.println(GSON.toJson(answer));
    }
  }

  /** The same compiler call the Firestore emulator makes (EmulatorRulesCompiler), with cross-service rules on. */
  static CompileResult compile(String name, String content) {
    FirebaseRulesLangOptions options =
        FirebaseRulesLangOptions.builder().allowTernaryOperator(true).allowCrossServiceRules(true).build();
    Source source = Source.newBuilder().addFiles(File.newBuilder().setName(name).setContent(content)).build();
    return FirebaseRulesProtoCompiler.createStandalone(options).compile(source);
  }

  private static JsonArray issues(List<Issue> issues) {
    JsonArray list = new JsonArray();
    for (Issue issue : issues) {
      SourcePosition at = issue.getSourcePosition();
      list.add(issue.getSeverity() + " " + at.getFileName() + ":" + at.getLine() + ":" + at.getColumn() + " "
          + issue.getDescription());
    }
    return list;
  }

  private JsonObject decide(JsonObject request) throws Exception {
    String method = request.get("method").getAsString();
    ExpressionPathValue path = path(request.get("path").getAsString());
    ExpressionValue requestVariable = requestVariable(request, path);
    ExpressionValue resource = value(request.get("resource"));
    JsonObject documents = request.has("documents") ? request.getAsJsonObject("documents") : null;
    List<String> calls = Collections.synchronizedList(new ArrayList<>());
    Context context = new Context(path, requestVariable, resource, documents, calls);
    AuthRuleEvaluator.RuleContext ruleContext;
    switch (method) {
      case "get": ruleContext = FirebaseStorageGetContextConverter.convert(context); break;
      case "list": ruleContext = FirebaseStorageListContextConverter.convert(context); break;
      case "create": ruleContext = FirebaseStorageCreateContextConverter.convert(context); break;
      case "update": ruleContext = FirebaseStorageUpdateContextConverter.convert(context); break;
      case "delete": ruleContext = FirebaseStorageDeleteContextConverter.convert(context); break;
      default: throw new IllegalArgumentException("method must be get, list, create, update or delete: " + method);
    }
    ErrorListener errors = new ErrorListener();
    List<Supplier<EvaluationListener>> listeners = List.of(() -> errors);
    DefaultEvaluator evaluator = new DefaultEvaluator(ruleset,
        com.google.common.collect.ImmutableList.copyOf(listeners), EvaluationRestrictions.builder().build());
    boolean permit;
    try {
      EvaluationResult result = evaluator.evaluate(ruleContext).get();
      permit = result.permit();
    } catch (ExecutionException e) {
      // An error in the only allow expressions that applied (e.g. a field the document lacks): the engine gives
      // no result; Storage, like the Firestore emulator ("evaluation error at ..."), denies the request.
      if (!(e.getCause() instanceof EvaluationException)) {
        throw e;
      }
      permit = false;
      errors.messages.add(e.getCause().getMessage());
    }
    if (!context.failures.isEmpty()) {
      throw new IllegalStateException("reading Firestore failed: " + context.failures);
    }
    JsonObject answer = new JsonObject();
    answer.addProperty("permit", permit);
    JsonArray called = new JsonArray();
    synchronized (calls) {
      calls.forEach(called::add);
    }
    answer.add("firestore", called);
    JsonArray failed = new JsonArray();
    errors.messages.forEach(failed::add);
    answer.add("errors", failed);
    return answer;
  }

  /** Errors the engine met while evaluating an allow expression (each counts as a denial of that expression). */
  private static final class ErrorListener implements EvaluationListener {
    final List<String> messages = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void afterSinglePermissionEvaluation(Evaluator.Context context, Throwable error, Expression expression) {
      messages.add(String.valueOf(error.getMessage()));
    }

    @Override
    public void afterPermissionEvaluation(Evaluator.Context context, Throwable error) {
      messages.add(String.valueOf(error.getMessage()));
    }
  }

  private static ExpressionPathValue path(String text) {
    ExpressionPathValue.Builder path = ExpressionPathValue.newBuilder();
    for (String segment : text.split("/")) {
      if (!segment.isEmpty()) {
        path.addSegments(ExpressionPathSegmentValue.newBuilder().setSimple(segment));
      }
    }
    return path.build();
  }

  private static String text(ExpressionPathValue path) {
    StringBuilder text = new StringBuilder();
    for (ExpressionPathSegmentValue segment : path.getSegmentsList()) {
      if (!segment.hasSimple()) {
        throw new IllegalArgumentException("not a concrete path: " + path);
      }
      text.append('/').append(segment.getSimple());
    }
    return text.toString();
  }

  private static ExpressionValue requestVariable(JsonObject request, ExpressionPathValue path) {
    JsonElement auth = request.get("auth");
    ExpressionMapValue.Builder fields = ExpressionMapValue.newBuilder()
        .putFields("path", ExpressionValue.newBuilder().setPathValue(path).build())
        .putFields("time", timestamp(Instant.now()))
        .putFields("resource", value(request.get("request_resource")))
        .putFields("auth", value(auth));
    return ExpressionValue.newBuilder().setMapValue(fields).build();
  }

  private static ExpressionValue timestamp(Instant at) {
    return ExpressionValue.newBuilder()
        .setTimestampValue(Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()))
        .build();
  }

  private static ExpressionValue nullValue() {
    return ExpressionValue.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
  }

  /** Plain JSON as a rules value, as firebase-tools' toExpressionValue does. */
  static ExpressionValue value(JsonElement json) {
    if (json == null || json instanceof JsonNull) {
      return nullValue();
    }
    if (json.isJsonPrimitive()) {
      JsonPrimitive primitive = json.getAsJsonPrimitive();
      if (primitive.isBoolean()) {
        return ExpressionValue.newBuilder().setBoolValue(primitive.getAsBoolean()).build();
      }
      if (primitive.isNumber()) {
        double number = primitive.getAsDouble();
        if (number == Math.rint(number) && !primitive.getAsString().contains(".")) {
          return ExpressionValue.newBuilder().setIntValue(primitive.getAsLong()).build();
        }
        return ExpressionValue.newBuilder().setFloatValue(number).build();
      }
      return ExpressionValue.newBuilder().setStringValue(primitive.getAsString()).build();
    }
    if (json.isJsonArray()) {
      ExpressionListValue.Builder list = ExpressionListValue.newBuilder();
      json.getAsJsonArray().forEach(item -> list.addValues(value(item)));
      return ExpressionValue.newBuilder().setListValue(list).build();
    }
    ExpressionMapValue.Builder map = ExpressionMapValue.newBuilder();
    for (Map.Entry<String, JsonElement> field : json.getAsJsonObject().entrySet()) {
      map.putFields(field.getKey(), value(field.getValue()));
    }
    return ExpressionValue.newBuilder().setMapValue(map).build();
  }

  /** A Firestore REST value ({"stringValue": ...}) as a rules value. */
  static ExpressionValue restValue(JsonObject json) {
    if (json.has("nullValue")) {
      return nullValue();
    }
    if (json.has("booleanValue")) {
      return ExpressionValue.newBuilder().setBoolValue(json.get("booleanValue").getAsBoolean()).build();
    }
    if (json.has("integerValue")) {
      return ExpressionValue.newBuilder().setIntValue(Long.parseLong(json.get("integerValue").getAsString())).build();
    }
    if (json.has("doubleValue")) {
      return ExpressionValue.newBuilder().setFloatValue(json.get("doubleValue").getAsDouble()).build();
    }
    if (json.has("stringValue")) {
      return ExpressionValue.newBuilder().setStringValue(json.get("stringValue").getAsString()).build();
    }
    if (json.has("timestampValue")) {
      return timestamp(Instant.parse(json.get("timestampValue").getAsString()));
    }
    if (json.has("referenceValue")) {
      String name = json.get("referenceValue").getAsString();
      return ExpressionValue.newBuilder().setPathValue(path(name.substring(name.indexOf("/databases/")))).build();
    }
    if (json.has("arrayValue")) {
      ExpressionListValue.Builder list = ExpressionListValue.newBuilder();
      JsonObject array = json.getAsJsonObject("arrayValue");
      if (array.has("values")) {
        array.getAsJsonArray("values").forEach(item -> list.addValues(restValue(item.getAsJsonObject())));
      }
      return ExpressionValue.newBuilder().setListValue(list).build();
    }
    if (json.has("mapValue")) {
      return restFields(json.getAsJsonObject("mapValue").getAsJsonObject("fields"));
    }
    throw new IllegalArgumentException("Firestore value kind not handled here: " + json);
  }

  private static ExpressionValue restFields(JsonObject fields) {
    ExpressionMapValue.Builder map = ExpressionMapValue.newBuilder();
    if (fields != null) {
      for (Map.Entry<String, JsonElement> field : fields.entrySet()) {
        map.putFields(field.getKey(), restValue(field.getValue().getAsJsonObject()));
      }
    }
    return ExpressionValue.newBuilder().setMapValue(map).build();
  }

  /** A document as firestore.get() gives it to rules: __name__, id and data; null when there is none. */
  private static ExpressionValue document(ExpressionPathValue path, ExpressionValue data) {
    List<ExpressionPathSegmentValue> segments = path.getSegmentsList();
    ExpressionMapValue.Builder doc = ExpressionMapValue.newBuilder()
        .putFields("__name__", ExpressionValue.newBuilder().setPathValue(path).build())
        .putFields("id", ExpressionValue.newBuilder()
            .setStringValue(segments.get(segments.size() - 1).getSimple()).build())
        .putFields("data", data);
    return ExpressionValue.newBuilder().setMapValue(doc).build();
  }

  /** The document's fields, or null when it does not exist. */
  private ExpressionValue lookUp(String documentPath, JsonObject documents) throws IOException {
    if (documents != null) {
      JsonElement found = documents.get(documentPath);
      return found == null || found instanceof JsonNull ? null : value(found);
    }
    if (firestoreHost == null) {
      throw new IllegalStateException("no documents in the request and no --firestore emulator to read "
          + documentPath);
    }
    StringBuilder encoded = new StringBuilder();
    for (String segment : documentPath.substring(1).split("/")) {
      encoded.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    URL url = new URL("http://" + firestoreHost + "/v1/projects/" + project + encoded);
    HttpURLConnection connection = (HttpURLConnection) url.openConnection();
    connection.setRequestProperty("Authorization", "Bearer owner");
    connection.setConnectTimeout(5000);
    connection.setReadTimeout(10000);
    int status = connection.getResponseCode();
    if (status == 404) {
      return null;
    }
    if (status != 200) {
      throw new IOException("Firestore emulator answered " + status + " for " + url);
    }
    try (InputStream body = connection.getInputStream()) {
      JsonObject doc = JsonParser.parseString(new String(body.readAllBytes(), StandardCharsets.UTF_8))
          .getAsJsonObject();
      return restFields(doc.getAsJsonObject("fields"));
    }
  }

  /** One request as the Storage service sees it; implements every operation's context at once. */
  private final class Context implements FirebaseStorageService.FirebaseStorageGetContext,
      FirebaseStorageService.FirebaseStorageListContext, FirebaseStorageService.FirebaseStorageCreateContext,
      FirebaseStorageService.FirebaseStorageUpdateContext, FirebaseStorageService.FirebaseStorageDeleteContext {
    private final ExpressionPathValue path;
    private final ExpressionValue request;
    private final ExpressionValue resource;
    private final JsonObject documents;
    private final List<String> calls;
    final List<String> failures = Collections.synchronizedList(new ArrayList<>());

    Context(ExpressionPathValue path, ExpressionValue request, ExpressionValue resource, JsonObject documents,
        List<String> calls) {
      this.path = path;
      this.request = request;
      this.resource = resource;
      this.documents = documents;
      this.calls = calls;
    }

    @Override
    public ExpressionPathValue path() {
      return path;
    }

    @Override
    public ExpressionMapValue request() {
      return request.getMapValue();
    }

    @Override
    public ListenableFuture<ExpressionValue> resource() {
      return Futures.immediateFuture(resource);
    }

    @Override
    public ExpressionValue debug(ExpressionValue value) {
      System.err.println("debug: " + value);
      return value;
    }

    @Override
    public ListenableFuture<ExpressionValue> firestoreGet(ExpressionPathValue document, SourcePosition at) {
      try {
        String name = text(document);
        calls.add("get " + name);
        ExpressionValue data = lookUp(name, documents);
        return Futures.immediateFuture(data == null ? nullValue() : document(document, data));
      } catch (Exception e) {
        failures.add(e.toString());
        return Futures.immediateFailedFuture(e);
      }
    }

    @Override
    public ListenableFuture<ExpressionValue> firestoreExists(ExpressionPathValue document, SourcePosition at) {
      try {
        String name = text(document);
        calls.add("exists " + name);
        boolean exists = lookUp(name, documents) != null;
        return Futures.immediateFuture(ExpressionValue.newBuilder().setBoolValue(exists).build());
      } catch (Exception e) {
        failures.add(e.toString());
        return Futures.immediateFailedFuture(e);
      }
    }
  }
}
