package io.projsync;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mpxj.Duration;
import org.mpxj.FieldType;
import org.mpxj.LocalDateTimeRange;
import org.mpxj.Priority;
import org.mpxj.ProjectCalendar;
import org.mpxj.Relation;
import org.mpxj.ResourceAssignment;
import org.mpxj.Task;
import org.mpxj.TaskField;
import org.mpxj.TaskMode;
import org.mpxj.TimeUnit;
import org.mpxj.WorkContour;

/**
 * The task fields projsync reads, for a whole file in three arrays: one call
 * from Python instead of some thirty a task (each costs a microsecond or two).
 *
 * <p>The reader in projsync/msproject/reader.py decodes them; it reads the same
 * getters the same way without this class when it is not built. A field no
 * task has a value for (MPXJ's populated fields) is not asked for, as there:
 * some getters compute and keep values.
 */
public final class TaskColumns {
    /** Numbers a task. */
    public static final int WIDTH = 36;

    private static final double NONE = Double.NaN;

    private TaskColumns() {
    }

    /**
     * Those of the wanted fields that some task has a value for: not null, and
     * for a text not empty, a number or a duration not zero, a flag true, a
     * priority not medium, a task mode not automatic. This is the rule of
     * MPXJ's getPopulatedFields(), which asks every task for each of the
     * thousand task fields; the reader wants some three hundred.
     */
    public static Set<FieldType> populated(List<Task> tasks, List<FieldType> wanted) {
        Set<FieldType> found = new HashSet<>();
        List<FieldType> left = new ArrayList<>(wanted);
        for (Task task : tasks) {
            for (Iterator<FieldType> field = left.iterator(); field.hasNext();) {
                FieldType type = field.next();
                if (hasValue(task.getCachedValue(type), type)) {
                    found.add(type);
                    field.remove();
                }
            }
            if (left.isEmpty()) {
                break;
            }
        }
        return found;
    }

    private static boolean hasValue(Object value, FieldType type) {
        if (value == null) {
            return false;
        }
        if (value instanceof Collection<?>) {
            return !((Collection<?>) value).isEmpty();
        }
        if (value instanceof Map<?, ?>) {
            return !((Map<?, ?>) value).isEmpty();
        }
        switch (type.getDataType()) {
            case STRING:
            case NOTES:
                return !value.toString().isEmpty();
            case NUMERIC:
            case CURRENCY:
            case PERCENTAGE:
            case UNITS:
            case INTEGER:
            case SHORT:
                return ((Number) value).doubleValue() != 0.0;
            case WORK:
            case DURATION:
                return value instanceof String
                    ? !((String) value).isEmpty()
                    : ((Duration) value).getDuration() != 0.0;
            case BOOLEAN:
                return (Boolean) value;
            case PRIORITY:
                return ((Priority) value).getValue() != Priority.MEDIUM;
            case TASK_MODE:
                return value != TaskMode.AUTO_SCHEDULED;
            default:
                return true;
        }
    }

    /** WIDTH numbers a task, in the order of the list; NaN for no value. */
    public static double[] numbers(List<Task> tasks, Set<FieldType> populated) {
        double[] out = new double[tasks.size() * WIDTH];
        boolean delay = populated.contains(TaskField.LEVELING_DELAY);
        boolean work = populated.contains(TaskField.WORK);
        boolean mode = populated.contains(TaskField.TASK_MODE);
        boolean milestone = populated.contains(TaskField.MILESTONE);
        boolean effort = populated.contains(TaskField.EFFORT_DRIVEN);
        boolean deadline = populated.contains(TaskField.DEADLINE);
        boolean percent = populated.contains(TaskField.PERCENT_COMPLETE);
        boolean actualStart = populated.contains(TaskField.ACTUAL_START);
        boolean actualFinish = populated.contains(TaskField.ACTUAL_FINISH);
        boolean actualDuration = populated.contains(TaskField.ACTUAL_DURATION);
        boolean baselineStart = populated.contains(TaskField.BASELINE_START);
        boolean baselineFinish = populated.contains(TaskField.BASELINE_FINISH);
        boolean baselineDuration = populated.contains(TaskField.BASELINE_DURATION);
        boolean baselineWork = populated.contains(TaskField.BASELINE_WORK);
        boolean baselineCost = populated.contains(TaskField.BASELINE_COST);
        boolean start = populated.contains(TaskField.START);
        boolean finish = populated.contains(TaskField.FINISH);
        boolean earlyStart = populated.contains(TaskField.EARLY_START);
        boolean earlyFinish = populated.contains(TaskField.EARLY_FINISH);
        boolean lateStart = populated.contains(TaskField.LATE_START);
        boolean lateFinish = populated.contains(TaskField.LATE_FINISH);
        boolean blank = populated.contains(TaskField.NULL);
        int i = 0;
        for (Task task : tasks) {
            Integer uid = task.getUniqueID();
            out[i] = uid == null ? 0 : uid;
            Task parent = task.getParentTask();
            Integer parentUid = parent == null ? null : parent.getUniqueID();
            out[i + 1] = parentUid == null ? 0 : parentUid;
            duration(out, i + 2, task.getDuration());
            out[i + 4] = task.getConstraintType() == null ? -1 : task.getConstraintType().ordinal();
            out[i + 5] = moment(task.getConstraintDate());
            duration(out, i + 6, delay ? task.getLevelingDelay() : null);
            duration(out, i + 8, work ? task.getWork() : null);
            out[i + 10] = mode && task.getTaskMode() != null
                && "MANUALLY_SCHEDULED".equals(task.getTaskMode().name()) ? 1 : 0;
            out[i + 11] = milestone && task.getMilestone() ? 1 : 0;
            out[i + 12] = effort && task.getEffortDriven() ? 1 : 0;
            out[i + 13] = deadline ? moment(task.getDeadline()) : NONE;
            out[i + 14] = percent ? number(task.getPercentageComplete()) : NONE;
            out[i + 15] = actualStart ? moment(task.getActualStart()) : NONE;
            out[i + 16] = actualFinish ? moment(task.getActualFinish()) : NONE;
            out[i + 17] = task.getPriority() == null ? NONE : task.getPriority().getValue();
            out[i + 18] = baselineStart ? moment(task.getBaselineStart()) : NONE;
            out[i + 19] = baselineFinish ? moment(task.getBaselineFinish()) : NONE;
            duration(out, i + 20, baselineDuration ? task.getBaselineDuration() : null);
            duration(out, i + 22, baselineWork ? task.getBaselineWork() : null);
            out[i + 24] = baselineCost ? number(task.getBaselineCost()) : NONE;
            out[i + 25] = start ? moment(task.getStart()) : NONE;
            out[i + 26] = finish ? moment(task.getFinish()) : NONE;
            out[i + 27] = earlyStart ? moment(task.getEarlyStart()) : NONE;
            out[i + 28] = earlyFinish ? moment(task.getEarlyFinish()) : NONE;
            out[i + 29] = lateStart ? moment(task.getLateStart()) : NONE;
            out[i + 30] = lateFinish ? moment(task.getLateFinish()) : NONE;
            out[i + 31] = task.getCritical() ? 1 : 0;
            out[i + 32] = blank && task.getNull() ? 1 : 0;
            out[i + 33] = task.getType() == null ? -1 : task.getType().ordinal();
            duration(out, i + 34, actualDuration ? task.getActualDuration() : null);
            i += WIDTH;
        }
        return out;
    }

    /**
     * Each task's name and calendar name, in the order of the list, each
     * followed by U+0001; U+0000 stands for no value.
     */
    public static String texts(List<Task> tasks, Set<FieldType> populated) {
        boolean calendars = populated.contains(TaskField.CALENDAR_UNIQUE_ID);
        StringBuilder out = new StringBuilder(tasks.size() * 24);
        for (Task task : tasks) {
            text(out, task.getName());
            ProjectCalendar calendar = calendars ? task.getCalendar() : null;
            text(out, calendar == null ? null : calendar.getName());
        }
        return out.toString();
    }

    /**
     * Five numbers a predecessor link, tasks in the order of the list: the
     * successor's index in the list, the predecessor's unique id, the type's
     * ordinal, the lag and its unit's ordinal.
     */
    public static double[] links(List<Task> tasks) {
        int count = 0;
        for (Task task : tasks) {
            count += task.getPredecessors().size();
        }
        double[] out = new double[count * 5];
        int i = 0;
        int index = 0;
        for (Task task : tasks) {
            for (Relation relation : task.getPredecessors()) {
                Integer uid = relation.getPredecessorTask().getUniqueID();
                out[i] = index;
                out[i + 1] = uid == null ? 0 : uid;
                out[i + 2] = relation.getType().ordinal();
                duration(out, i + 3, relation.getLag());
                i += 5;
            }
            index++;
        }
        return out;
    }

    /**
     * The parts of work of each split task: its index in the list, the number
     * of parts, then each part's start and finish (as moment() gives them). A
     * task is split when its parts of work span more working time than its
     * duration, which counts work only (see splitParts).
     */
    public static double[] splits(List<Task> tasks) {
        List<double[]> found = new ArrayList<>();
        int size = 0;
        int index = 0;
        for (Task task : tasks) {
            List<LocalDateTimeRange> parts = splitParts(task);
            if (parts != null) {
                double[] row = new double[2 + 2 * parts.size()];
                row[0] = index;
                row[1] = parts.size();
                int at = 2;
                for (LocalDateTimeRange part : parts) {
                    row[at] = moment(part.getStart());
                    row[at + 1] = moment(part.getEnd());
                    at += 2;
                }
                found.add(row);
                size += row.length;
            }
            index++;
        }
        double[] out = new double[size];
        int at = 0;
        for (double[] row : found) {
            System.arraycopy(row, 0, out, at, row.length);
            at += row.length;
        }
        return out;
    }

    /**
     * A split task's parts of work (MPXJ's work splits), or null: for a task
     * of one part, or whose parts span no more working time than its duration
     * (days a hand-edited contour put work on, not interruptions of the task:
     * nor are the parts of a task with a hand-edited contour),
     * or a started one whose file does not say where its completed part stops
     * (Project's Stop, kept for every task in progress: without it the parts
     * are only the days actual work was recorded on, as in our own export).
     */
    public static List<LocalDateTimeRange> splitParts(Task task) {
        if (task.getActualStart() != null && task.getStop() == null) {
            return null;
        }
        for (ResourceAssignment assignment : task.getResourceAssignments()) {
            if (assignment.getResource() != null && assignment.getWorkContour() == WorkContour.CONTOURED) {
                return null;  // its parts are the hand-edited contour's
            }
        }
        List<LocalDateTimeRange> parts = task.getWorkSplits();
        Duration duration = task.getDuration();
        ProjectCalendar calendar = task.getEffectiveCalendar();
        if (parts == null || parts.size() < 2 || duration == null || calendar == null) {
            return null;
        }
        LocalDateTime first = parts.get(0).getStart();
        LocalDateTime last = parts.get(parts.size() - 1).getEnd();
        if (first == null || last == null) {
            return null;
        }
        double span = calendar.getWork(first, last, TimeUnit.MINUTES).getDuration();
        double minutes = duration.convertUnits(TimeUnit.MINUTES, task.getParentFile().getProjectProperties()).getDuration();
        return span > minutes + 0.5 ? parts : null;
    }

    private static void duration(double[] out, int at, Duration value) {
        out[at] = value == null ? NONE : value.getDuration();
        out[at + 1] = value == null ? -1 : value.getUnits().ordinal();
    }

    /** Microseconds since 1970-01-01T00:00, the date-time taken as it reads. */
    private static double moment(LocalDateTime value) {
        if (value == null) {
            return NONE;
        }
        return value.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + value.getNano() / 1000;
    }

    private static double number(Number value) {
        return value == null ? NONE : value.doubleValue();
    }

    private static void text(StringBuilder out, String value) {
        out.append(value == null ? "\u0000" : value).append('\u0001');
    }
}
